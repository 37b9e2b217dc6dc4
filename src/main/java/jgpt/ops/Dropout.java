package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;

/** Inverted dropout (Srivastava et al. 2014): zero each element with probability p, scale the rest by 1/(1-p). */
public final class Dropout {
    private Dropout() {}

    /** Returns x itself when p == 0 (evaluation, or dropout off). */
    public static Tensor apply(Tape tape, Tensor x, float p, Rng rng) {
        if (p == 0f) return x;
        int n = x.size();
        float[] mask = tape.scratch(n);
        Tensor out = tape.output(x.shape(), tape.needsGrad(x));
        float[] xs = x.data(), o = out.data();
        tape.forward(() -> {
            fillMask(mask, n, p, rng);
            for (int i = 0; i < n; i++) o[out.offset() + i] = xs[x.offset() + i] * mask[i];
        });
        if (out.requiresGrad()) {
            tape.record(() -> {
                float[] d = out.grad(), g = x.grad();
                for (int i = 0; i < n; i++) g[x.gradOffset() + i] += d[out.gradOffset() + i] * mask[i];
            });
        }
        return out;
    }

    /** mask[i] = 0 with probability p, else 1/(1-p). */
    static void fillMask(float[] mask, int n, float p, Rng rng) {
        float keep = 1f / (1f - p);
        for (int i = 0; i < n; i++) mask[i] = rng.nextFloat() < p ? 0f : keep;
    }
}
