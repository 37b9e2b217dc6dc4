package jgpt.model;

/**
 * A weight matrix held for decoding as [rows = outputs, cols = inputs], so each output is one contiguous dot
 * product and threads can split the rows. Implementations differ in element storage ({@link WeightFormat}).
 */
interface DecodeMatrix {
    int rows();

    int cols();

    /** Bytes streamed by one full product (weights plus scales). */
    long bytes();

    /** Called once per product, before any {@link #multiply} with this x (formats that rearrange x do it here). */
    default void prepare(float[] x) {}

    /** y[r] = row r · x[0, cols) for r in [r0, r1); x as last passed to {@link #prepare}. */
    void multiply(float[] x, float[] y, int r0, int r1);

    /** Floats of one input in the form {@link #multiplyPrepared} reads (batched decoding keeps one per row). */
    default int preparedLength() { return cols(); }

    /** Writes x[xOff, +cols) in the form {@link #multiplyPrepared} reads to p[pOff, +preparedLength()). */
    default void prepareInto(float[] x, int xOff, float[] p, int pOff) { System.arraycopy(x, xOff, p, pOff, cols()); }

    /**
     * y[yOff + r] = row r · x for r in [r0, r1), x prepared at p[pOff] by {@link #prepareInto}; the same
     * arithmetic as {@link #multiply}, so a row's result does not depend on how many inputs share the matrix.
     */
    void multiplyPrepared(float[] p, int pOff, float[] y, int yOff, int r0, int r1);

    /**
     * {@link #multiplyPrepared} for inputs b in [0, batch) prepared at p[b*pStride], results at y[b*yStride + r];
     * formats with a batched kernel override it.
     */
    default void multiplyBatch(float[] p, int pStride, int batch, float[] y, int yStride, int r0, int r1) {
        for (int b = 0; b < batch; b++) multiplyPrepared(p, b * pStride, y, b * yStride, r0, r1);
    }

    /** A copy of an HF Conv1D weight stored [in, out] at src[off], transposed to [out, in]. */
    static DecodeMatrix fromInOut(WeightFormat f, float[] src, int off, int in, int out) {
        float[] t = new float[in * out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) t[o * in + i] = src[off + i * out + o];
        }
        return fromRows(f, t, 0, out, in);
    }

    /** The rows-by-cols matrix at src[off] (row-major); F32 wraps src without copying. */
    static DecodeMatrix fromRows(WeightFormat f, float[] src, int off, int rows, int cols) {
        return switch (f) {
            case F32 -> new F32Matrix(src, off, rows, cols);
            case BF16 -> Bf16Matrix.of(src, off, rows, cols);
            case INT8 -> Int8Matrix.of(src, off, rows, cols);
        };
    }
}
