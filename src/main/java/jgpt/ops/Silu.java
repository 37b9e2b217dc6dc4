package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.tensor.Tensor;

/** SiLU / swish (Elfwing et al. 2017; HF "swish", "silu"): x * sigmoid(x). */
public final class Silu {
    private Silu() {}

    public static Tensor apply(Tape tape, Tensor x) {
        int n = x.size();
        Tensor out = tape.output(x.shape(), tape.needsGrad(x));
        tape.forward(() -> {
            float[] xs = x.data(), o = out.data();
            for (int i = 0; i < n; i++) {
                float v = xs[x.offset() + i];
                o[out.offset() + i] = v / (1f + (float) Math.exp(-v));
            }
        });
        if (out.requiresGrad()) {
            tape.record(() -> {
                float[] xs = x.data(), d = out.grad(), g = x.grad();
                for (int i = 0; i < n; i++) {
                    float v = xs[x.offset() + i], sig = 1f / (1f + (float) Math.exp(-v));
                    g[x.gradOffset() + i] += d[out.gradOffset() + i] * sig * (1f + v * (1f - sig));
                }
            });
        }
        return out;
    }
}
