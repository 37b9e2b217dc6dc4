package jgpt.ops;

import jgpt.tensor.Tensor;

/** Shape rule shared by the binary elementwise ops: b's dims must equal the trailing dims of a's. */
final class Broadcast {
    private Broadcast() {}

    /** The size of b, after checking that b's shape is a suffix of a's. */
    static int period(Tensor a, Tensor b) {
        int ra = a.shape().rank(), rb = b.shape().rank();
        boolean ok = rb <= ra;
        for (int i = 1; ok && i <= rb; i++) ok = a.shape().dim(ra - i) == b.shape().dim(rb - i);
        if (!ok) throw new IllegalArgumentException("cannot broadcast " + b.shape() + " to " + a.shape());
        return Math.max(1, b.size());
    }
}
