package jgpt.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;

/** The batched product equals one {@link Gemv} per input bitwise, and its plain-loop twin within rounding. */
class BatchGemvTest {
    @Test void shapes() {
        for (int[] s : new int[][] {{64, 7, 9}, {96, 10, 4}, {37, 5, 6}, {128, 3, 1}, {64, 1, 13}}) check(s[0], s[1], s[2]);
    }

    private static void check(int k, int rows, int batch) {
        Rng r = new Rng(k + rows + batch);
        float[] w = new float[3 + rows * k], xs = new float[batch * (k + 5)];
        for (int i = 0; i < w.length; i++) w[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < xs.length; i++) xs[i] = r.nextFloat() - 0.5f;
        int yStride = rows + 2;
        float[] got = new float[batch * yStride], one = new float[batch * yStride], plain = new float[batch * yStride];
        BatchGemv.rows(w, 3, k, xs, k + 5, batch, got, yStride, 1, rows);
        BatchGemv.rowsScalar(w, 3, k, xs, k + 5, batch, plain, yStride, 1, rows);
        for (int b = 0; b < batch; b++) Gemv.rows(w, 3, k, xs, b * (k + 5), one, b * yStride, 1, rows);
        for (int i = 0; i < got.length; i++) {
            assertEquals(one[i], got[i], 0f, "k " + k + " rows " + rows + " batch " + batch + " at " + i);
            assertEquals(plain[i], got[i], 1e-4f * k, "scalar twin at " + i);
        }
    }
}
