package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/** Row lookup: out[n] = table[ids[n]]; the backward scatters gradient rows back into the table. */
public final class Embedding {
    private Embedding() {}

    /** table [V, C], ids of length N -> out shaped {@code leading + [C]} with N = product(leading). */
    public static Tensor apply(Tape tape, Tensor table, int[] ids, int... leading) {
        return withPadding(tape, table, ids, -1, leading);
    }

    /**
     * As {@link #apply}, with PyTorch's {@code padding_idx}: lookups of {@code paddingId} pass no gradient to its row
     * (the forward is unchanged). -1: none.
     */
    public static Tensor withPadding(Tape tape, Tensor table, int[] ids, int paddingId, int... leading) {
        int v = table.shape().dim(0), c = table.shape().dim(1);
        int[] dims = java.util.Arrays.copyOf(leading, leading.length + 1);
        dims[leading.length] = c;
        Shape outShape = Shape.of(dims);
        if (outShape.size() != ids.length * c) throw new IllegalArgumentException("ids length " + ids.length + " vs " + outShape);
        Tensor out = tape.output(outShape, tape.needsGrad(table));
        float[] w = table.data(), o = out.data();
        tape.forward(() -> {
            for (int n = 0; n < ids.length; n++) {
                int id = ids[n];
                if (id < 0 || id >= v) throw new IndexOutOfBoundsException("token id " + id + " outside [0, " + v + ")");
                System.arraycopy(w, table.offset() + id * c, o, out.offset() + n * c, c);
            }
        });
        if (out.requiresGrad()) {
            tape.record(() -> {
                float[] g = table.grad(), d = out.grad();
                int go = table.gradOffset(), dOff = out.gradOffset();
                for (int n = 0; n < ids.length; n++) {
                    if (ids[n] == paddingId) continue;
                    int row = go + ids[n] * c, src = dOff + n * c;
                    for (int i = 0; i < c; i++) g[row + i] += d[src + i];
                }
            });
        }
        return out;
    }
}
