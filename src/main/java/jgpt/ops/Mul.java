package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.tensor.Tensor;

/** Elementwise a * b where b has a's shape or a trailing part of it (broadcast over the leading dims). */
public final class Mul {
    private Mul() {}

    public static Tensor apply(Tape tape, Tensor a, Tensor b) {
        int n = a.size(), m = Broadcast.period(a, b);
        Tensor out = tape.output(a.shape(), tape.needsGrad(a, b));
        float[] x = a.data(), y = b.data(), o = out.data();
        int xo = a.offset(), yo = b.offset(), oo = out.offset();
        tape.forward(() -> {
            for (int i = 0; i < n; i += m) {
                for (int j = 0; j < m; j++) o[oo + i + j] = x[xo + i + j] * y[yo + j];
            }
        });
        if (out.requiresGrad()) {
            tape.record(() -> {
                float[] d = out.grad();
                int dOff = out.gradOffset();
                for (int i = 0; i < n; i += m) {
                    for (int j = 0; j < m; j++) {
                        float g = d[dOff + i + j];
                        if (a.requiresGrad()) a.grad()[a.gradOffset() + i + j] += g * y[yo + j];
                        if (b.requiresGrad()) b.grad()[b.gradOffset() + j] += g * x[xo + i + j];
                    }
                }
            });
        }
        return out;
    }
}
