package jgpt.model;

import jgpt.kernels.Int8Gemv;

/** int8 {@link DecodeMatrix}: symmetric absmax quantisation with one float scale per block of 32 weights of a row. */
record Int8Matrix(byte[] q, float[] scales, int rows, int cols) implements DecodeMatrix {
    static Int8Matrix of(float[] src, int off, int rows, int cols) {
        int nb = Int8Gemv.blocks(cols);
        byte[] q = new byte[rows * cols];
        float[] s = new float[rows * nb];
        for (int r = 0; r < rows; r++) Int8Gemv.quantizeRow(src, off + r * cols, cols, q, r * cols, s, r * nb);
        return new Int8Matrix(q, s, rows, cols);
    }

    @Override public long bytes() { return (long) rows * cols + 4L * scales.length; }

    @Override public void multiply(float[] x, float[] y, int r0, int r1) {
        Int8Gemv.rows(q, 0, scales, 0, cols, x, 0, y, 0, r0, r1);
    }
}
