package jgpt.model;

import jgpt.kernels.Int8Gemv;

/**
 * int8 {@link DecodeMatrix}: symmetric absmax quantisation with one float scale per block of
 * {@link Int8Gemv#BLOCK} weights of a row, one byte per weight.
 */
final class Int8Matrix implements DecodeMatrix {
    private final byte[] q;
    private final float[] scales;
    private final int rows, cols;

    private Int8Matrix(byte[] q, float[] scales, int rows, int cols) {
        this.q = q;
        this.scales = scales;
        this.rows = rows;
        this.cols = cols;
    }

    static Int8Matrix of(float[] src, int off, int rows, int cols) {
        int nb = Int8Gemv.blocks(cols);
        byte[] q = new byte[rows * cols];
        float[] s = new float[rows * nb];
        for (int r = 0; r < rows; r++) Int8Gemv.quantizeRow(src, off + r * cols, cols, q, r * cols, s, r * nb);
        return new Int8Matrix(q, s, rows, cols);
    }

    @Override public int rows() { return rows; }

    @Override public int cols() { return cols; }

    @Override public long bytes() { return q.length + 4L * scales.length; }

    @Override public void multiply(float[] x, float[] y, int r0, int r1) {
        Int8Gemv.rows(q, 0, scales, 0, cols, x, 0, y, 0, r0, r1);
    }

    @Override public void multiplyPrepared(float[] p, int pOff, float[] y, int yOff, int r0, int r1) {
        Int8Gemv.rows(q, 0, scales, 0, cols, p, pOff, y, yOff, r0, r1);
    }
}
