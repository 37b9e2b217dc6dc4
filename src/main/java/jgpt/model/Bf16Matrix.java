package jgpt.model;

import jgpt.kernels.Bf16Gemv;

/** bfloat16 {@link DecodeMatrix}: each weight rounded to the nearest bf16 (8 mantissa bits). */
record Bf16Matrix(short[] data, int rows, int cols) implements DecodeMatrix {
    static Bf16Matrix of(float[] src, int off, int rows, int cols) {
        short[] d = new short[rows * cols];
        for (int i = 0; i < d.length; i++) d[i] = Bf16Gemv.fromFloat(src[off + i]);
        return new Bf16Matrix(d, rows, cols);
    }

    @Override public long bytes() { return 2L * rows * cols; }

    @Override public void multiply(float[] x, float[] y, int r0, int r1) {
        Bf16Gemv.rows(data, 0, cols, x, 0, y, 0, r0, r1);
    }
}
