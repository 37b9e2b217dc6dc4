package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.IntRangeBody;
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
            IntRangeBody sum = (from, to) -> Vec.sum(x, xo + from, y, yo + from, o, oo + from, to - from);
            tape.forward(() -> Split.range(n, sum));
        } else {
            IntRangeBody rows = (from, to) -> {
                for (int r = from; r < to; r++) Vec.sum(x, xo + r * m, y, yo, o, oo + r * m, m);
            };
            tape.forward(() -> Split.range(n / m, 1 + Split.MIN_ITEMS / m, 1, rows));
        }
        if (out.requiresGrad()) {
            float[] d = out.grad();
            int dOff = out.gradOffset();
            IntRangeBody intoA = a.requiresGrad() ? (from, to) -> Vec.add(d, dOff + from, a.grad(), a.gradOffset() + from, to - from) : null;
            tape.record(() -> {
                if (intoA != null) Split.range(n, intoA);
                if (b.requiresGrad()) {
                    for (int i = 0; i < n; i += m) Vec.add(d, dOff + i, b.grad(), b.gradOffset(), m);
                }
            });
        }
        return out;
    }
}
