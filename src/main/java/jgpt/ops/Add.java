package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.Split;
import jgpt.kernels.Vec;
import jgpt.tensor.Tensor;

/** Elementwise a + b where b has a's shape or a trailing part of it (broadcast over the leading dims). */
public final class Add {
    private Add() {}

    public static Tensor apply(Tape tape, Tensor a, Tensor b) {
        int n = a.size(), m = Broadcast.period(a, b);
        Tensor out = tape.output(a.shape(), tape.needsGrad(a, b));
        float[] x = a.data(), y = b.data(), o = out.data();
        int xo = a.offset(), yo = b.offset(), oo = out.offset();
        if (m == n) {
            Split.range(n, (from, to) -> Vec.sum(x, xo + from, y, yo + from, o, oo + from, to - from));
        } else {
            Split.range(n / m, 1 + Split.MIN_ITEMS / m, 1, (from, to) -> {
                for (int r = from; r < to; r++) Vec.sum(x, xo + r * m, y, yo, o, oo + r * m, m);
            });
        }
        if (out.requiresGrad()) {
            tape.record(() -> {
                float[] d = out.grad();
                int dOff = out.gradOffset();
                if (a.requiresGrad()) {
                    float[] ga = a.grad();
                    int go = a.gradOffset();
                    Split.range(n, (from, to) -> Vec.add(d, dOff + from, ga, go + from, to - from));
                }
                if (b.requiresGrad()) {
                    float[] gb = b.grad();
                    int go = b.gradOffset();
                    for (int i = 0; i < n; i += m) Vec.add(d, dOff + i, gb, go, m);
                }
            });
        }
        return out;
    }
}
