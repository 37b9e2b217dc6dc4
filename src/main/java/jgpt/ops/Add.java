package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.tensor.Tensor;

/** Elementwise a + b where b has a's shape or a trailing part of it (broadcast over the leading dims). */
public final class Add {
    private Add() {}

    public static Tensor apply(Tape tape, Tensor a, Tensor b) {
        int n = a.size(), m = Broadcast.period(a, b);
        Tensor out = tape.output(a.shape(), tape.needsGrad(a, b));
        float[] x = a.data(), y = b.data(), o = out.data();
        int xo = a.offset(), yo = b.offset(), oo = out.offset();
        for (int i = 0; i < n; i += m) {
            for (int j = 0; j < m; j++) o[oo + i + j] = x[xo + i + j] + y[yo + j];
        }
        if (out.requiresGrad()) {
            tape.record(() -> {
                float[] d = out.grad();
                int dOff = out.gradOffset();
                if (a.requiresGrad()) {
                    float[] ga = a.grad();
                    int go = a.gradOffset();
                    for (int i = 0; i < n; i++) ga[go + i] += d[dOff + i];
                }
                if (b.requiresGrad()) {
                    float[] gb = b.grad();
                    int go = b.gradOffset();
                    for (int i = 0; i < n; i += m) {
                        for (int j = 0; j < m; j++) gb[go + j] += d[dOff + i + j];
                    }
                }
            });
        }
        return out;
    }
}
