package jgpt.model;

import jgpt.kernels.Gemv;

/** fp32 {@link DecodeMatrix}: a view of rows*cols floats at data[off]. */
record F32Matrix(float[] data, int off, int rows, int cols) implements DecodeMatrix {
    @Override public long bytes() { return 4L * rows * cols; }

    @Override public void multiply(float[] x, float[] y, int r0, int r1) {
        Gemv.rows(data, off, cols, x, 0, y, 0, r0, r1);
    }

    @Override public void multiplyPrepared(float[] p, int pOff, float[] y, int yOff, int r0, int r1) {
        Gemv.rows(data, off, cols, p, pOff, y, yOff, r0, r1);
    }
}
