package jgpt.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;

/** The decode kernels (fp32, bf16, int8 gemv; cached attention) against their scalar twins on odd sizes. */
class GemvTwinTest {
    private static final int[] K = {1, 5, 16, 17, 31, 32, 33, 47, 64, 100, 129};
    private static final int[] K2 = {1, 5, 16, 17, 63, 64, 65, 127, 128, 130, 200, 257};
    private static final int[] ROWS = {1, 3, 4, 7, 9};
    private final Rng rng = new Rng(5);

    private float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }

    /** Relative to the magnitude of the terms, since summation order differs. */
    private static void close(float[] want, float[] got, float[] w, float[] x, int k, String what) {
        for (int r = 0; r < want.length; r++) {
            assertEquals(want[r], got[r], 1e-5f * k * 4, what + " row " + r);
        }
    }

    @Test void f32() {
        for (int k : K) for (int rows : ROWS) {
            float[] w = random(3 + rows * k), x = random(k + 2);
            float[] want = new float[rows + 1], got = new float[rows + 1];
            Gemv.rowsScalar(w, 3, k, x, 2, want, 1, 0, rows);
            Gemv.rows(w, 3, k, x, 2, got, 1, 0, rows);
            close(want, got, w, x, k, "f32 k=" + k);
            // a sub-range leaves other rows alone
            float[] part = new float[rows + 1];
            Gemv.rows(w, 3, k, x, 2, part, 1, 1, rows);
            assertEquals(0f, part[1]);
            for (int r = 2; r <= rows; r++) assertEquals(got[r], part[r]);
        }
    }

    @Test void bf16() {
        for (int k : K) for (int rows : ROWS) {
            float[] wf = random(rows * k), x = random(k + 2);
            int n = Bf16Gemv.ints(k);
            int[] w = new int[5 + rows * n];
            for (int r = 0; r < rows; r++) Bf16Gemv.pack(wf, r * k, k, w, 5 + r * n);
            for (int p = 0; p < k; p++) assertEquals(Bf16Gemv.toFloat(Bf16Gemv.fromFloat(wf[p])), Bf16Gemv.weight(w, 5, p));
            float[] xs = new float[2 * n];
            Bf16Gemv.splitInput(x, 2, k, xs);
            float[] want = new float[rows], got = new float[rows];
            Bf16Gemv.rowsScalar(w, 5, k, x, 2, want, 0, 0, rows);
            Bf16Gemv.rows(w, 5, k, xs, got, 0, 0, rows);
            close(want, got, wf, x, k, "bf16 k=" + k);
            // a sub-range (rows paired differently) gives the same values
            float[] part = new float[rows];
            Bf16Gemv.rows(w, 5, k, xs, part, 0, 1, rows);
            for (int r = 1; r < rows; r++) assertEquals(got[r], part[r]);
        }
    }

    @Test void bf16Rounding() {
        assertEquals(1f, Bf16Gemv.toFloat(Bf16Gemv.fromFloat(1f)));
        assertEquals(-2.5f, Bf16Gemv.toFloat(Bf16Gemv.fromFloat(-2.5f)));
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1)
        assertEquals(1f, Bf16Gemv.toFloat(Bf16Gemv.fromFloat(1f + 0x1p-8f)));
        assertEquals(1f + 0x1p-6f, Bf16Gemv.toFloat(Bf16Gemv.fromFloat(1f + 0x1p-7f + 0x1p-8f)));
        assertEquals(1f + 0x1p-7f, Bf16Gemv.toFloat(Bf16Gemv.fromFloat(1f + 0x1p-8f + 0x1p-12f)));
        assertEquals(Float.POSITIVE_INFINITY, Bf16Gemv.toFloat(Bf16Gemv.fromFloat(Float.POSITIVE_INFINITY)));
        assertEquals(true, Float.isNaN(Bf16Gemv.toFloat(Bf16Gemv.fromFloat(Float.NaN))));
    }

    @Test void int8() {
        for (int k : K2) for (int rows : ROWS) {
            float[] wf = random(rows * k), x = random(k + 2);
            int nb = Int8Gemv.blocks(k);
            byte[] q = new byte[7 + rows * k];
            float[] s = new float[1 + rows * nb];
            for (int r = 0; r < rows; r++) Int8Gemv.quantizeRow(wf, r * k, k, q, 7 + r * k, s, 1 + r * nb);
            float[] want = new float[rows + 1], got = new float[rows + 1];
            Int8Gemv.rowsScalar(q, 7, s, 1, k, x, 2, want, 1, 0, rows);
            Int8Gemv.rows(q, 7, s, 1, k, x, 2, got, 1, 0, rows);
            close(want, got, wf, x, k, "int8 k=" + k);
            // a sub-range leaves other rows alone
            float[] part = new float[rows + 1];
            Int8Gemv.rows(q, 7, s, 1, k, x, 2, part, 1, 1, rows);
            assertEquals(0f, part[1]);
            for (int r = 2; r <= rows; r++) assertEquals(got[r], part[r]);
        }
    }

    @Test void int8QuantisationError() {
        int k = 150;
        float[] w = random(k);
        w[70] = 50f; // an outlier only coarsens its own block
        byte[] q = new byte[k];
        float[] s = new float[Int8Gemv.blocks(k)];
        Int8Gemv.quantizeRow(w, 0, k, q, 0, s, 0);
        for (int p = 0; p < k; p++) {
            float scale = s[p / Int8Gemv.BLOCK];
            assertEquals(w[p], q[p] * scale, scale * 0.5f + 1e-6f, "weight " + p);
        }
        assertEquals(127, q[70]);
        assertEquals(true, s[0] < 0.1f && s[2] < 0.1f);
    }

    @Test void cachedAttention() {
        int[] hds = {1, 7, 16, 17, 64};
        int[] ns = {1, 2, 15, 16, 17, 40};
        for (int hd : hds) for (int n : ns) {
            int heads = 2, c = heads * hd, cap = n + 3;
            float[] q = random(c + 1), keys = random(c * cap), values = random(cap * c);
            float[] s1 = new float[cap], s2 = new float[cap], want = new float[c + 2], got = new float[c + 2];
            float scale = (float) (1 / Math.sqrt(hd));
            CachedAttention.headScalar(q, 1 + hd, keys, hd * cap, cap, values, hd, c, hd, n, scale, s1, 0, want, 2 + hd);
            CachedAttention.head(q, 1 + hd, keys, hd * cap, cap, values, hd, c, hd, n, scale, s2, 0, got, 2 + hd);
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5f * (1 + Math.abs(want[i])), "hd=" + hd + " n=" + n + " at " + i);
        }
    }
}
