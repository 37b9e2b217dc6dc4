package jgpt.model;

import jgpt.kernels.Bf16Gemv;

/** bfloat16 {@link DecodeMatrix}: each weight rounded to the nearest bf16 (8 mantissa bits), packed two per int. */
final class Bf16Matrix implements DecodeMatrix {
    private final int[] data;
    private final int rows, cols;
    private final float[] xs; // the input split into even and odd elements

    private Bf16Matrix(int[] data, int rows, int cols) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.xs = new float[2 * Bf16Gemv.ints(cols)];
    }

    static Bf16Matrix of(float[] src, int off, int rows, int cols) {
        int n = Bf16Gemv.ints(cols);
        int[] d = new int[rows * n];
        for (int r = 0; r < rows; r++) Bf16Gemv.pack(src, off + r * cols, cols, d, r * n);
        return new Bf16Matrix(d, rows, cols);
    }

    @Override public int rows() { return rows; }

    @Override public int cols() { return cols; }

    @Override public long bytes() { return 4L * data.length; }

    @Override public void prepare(float[] x) { Bf16Gemv.splitInput(x, 0, cols, xs); }

    @Override public void multiply(float[] x, float[] y, int r0, int r1) {
        Bf16Gemv.rows(data, 0, cols, xs, y, 0, r0, r1);
    }

    @Override public int preparedLength() { return xs.length; }

    @Override public void prepareInto(float[] x, int xOff, float[] p, int pOff) { Bf16Gemv.splitInput(x, xOff, cols, p, pOff); }

    @Override public void multiplyPrepared(float[] p, int pOff, float[] y, int yOff, int r0, int r1) {
        Bf16Gemv.rows(data, 0, cols, p, pOff, y, yOff, r0, r1);
    }
}
