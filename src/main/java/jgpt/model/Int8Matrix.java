package jgpt.model;

import jgpt.kernels.Int8Gemv;

/**
 * int8 {@link DecodeMatrix}: symmetric absmax quantisation with one float scale per block of
 * {@link Int8Gemv#BLOCK} weights of a row, packed four per int.
 */
final class Int8Matrix implements DecodeMatrix {
    private final int[] q;
    private final float[] scales;
    private final int rows, cols;
    private final float[] xs; // the input split into its four interleaved phases

    private Int8Matrix(int[] q, float[] scales, int rows, int cols) {
        this.q = q;
        this.scales = scales;
        this.rows = rows;
        this.cols = cols;
        this.xs = new float[4 * Int8Gemv.ints(cols)];
    }

    static Int8Matrix of(float[] src, int off, int rows, int cols) {
        int n = Int8Gemv.ints(cols), nb = Int8Gemv.blocks(cols);
        int[] q = new int[rows * n];
        float[] s = new float[rows * nb];
        for (int r = 0; r < rows; r++) Int8Gemv.quantizeRow(src, off + r * cols, cols, q, r * n, s, r * nb);
        return new Int8Matrix(q, s, rows, cols);
    }

    @Override public int rows() { return rows; }

    @Override public int cols() { return cols; }

    @Override public long bytes() { return 4L * q.length + 4L * scales.length; }

    @Override public void prepare(float[] x) { Int8Gemv.splitInput(x, 0, cols, xs); }

    @Override public void multiply(float[] x, float[] y, int r0, int r1) {
        Int8Gemv.rows(q, 0, scales, 0, cols, xs, y, 0, r0, r1);
    }
}
