package jgpt.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** VectorGemm (all paths: small, gemv, packed, parallel) against the ScalarGemm specification. */
class VectorGemmTest {
    private static final int[] SIZES = {1, 3, 17, 32, 33, 65, 96, 127};

    @Test
    void oddSizesAllTransposesBothModes() {
        Random r = new Random(42);
        for (int m : SIZES) for (int n : SIZES) for (int k : new int[] {1, 17, 65, 257}) {
            for (int t = 0; t < 4; t++) {
                check(r, (t & 1) != 0, (t & 2) != 0, m, n, k, 0, 0, r.nextBoolean());
            }
        }
    }

    @Test
    void offsetsAndPaddedLeadingDimensions() {
        Random r = new Random(7);
        for (int t = 0; t < 4; t++) {
            for (boolean acc : new boolean[] {false, true}) {
                check(r, (t & 1) != 0, (t & 2) != 0, 37, 71, 29, 5, 13, acc);
                check(r, (t & 1) != 0, (t & 2) != 0, 131, 200, 300, 3, 9, acc);
                check(r, (t & 1) != 0, (t & 2) != 0, 1, 257, 129, 11, 3, acc);
            }
        }
    }

    @Test
    void largeParallelAndMultiBlock() {
        Random r = new Random(3);
        // k > KC, m > MC and n > NC exercise every blocking loop and its edge.
        check(r, false, false, 203, 2113, 301, 1, 2, false);
        check(r, true, false, 257, 130, 520, 0, 0, true);
        check(r, false, true, 130, 257, 520, 0, 0, false);
        check(r, true, true, 100, 90, 80, 0, 0, true);
    }

    /** Both blocked paths on every transpose, ragged sizes, sub-ranges of C, offsets and both modes. */
    @Test
    void packedAndInPlacePaths() {
        Random r = new Random(11);
        // the last shape is wider than NC, so one call crosses two column panels
        int[][] shapes = {{7, 70, 300}, {13, 129, 17}, {101, 97, 257}, {6, 64, 1}, {96, 32, 513}, {8, 2113, 40}};
        for (int[] s : shapes) for (int t = 0; t < 4; t++) for (boolean packed : new boolean[] {false, true}) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0, acc = r.nextBoolean();
            int m = s[0], n = s[1], k = s[2], off = 3, pad = 5;
            int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
            float[] a = rand(r, off + (ta ? k : m) * lda), b = rand(r, off + (tb ? n : k) * ldb);
            float[] c0 = rand(r, off + m * ldc), c1 = c0.clone();
            // rows [1, m) x columns [2, n): C outside the range must stay as it was
            int i0 = Math.min(1, m - 1), j0 = Math.min(2, n - 1);
            ScalarGemm.sgemm(ta, tb, m - i0, n - j0, k, a, off + i0 * (ta ? 1 : lda), lda,
                    b, off + j0 * (tb ? ldb : 1), ldb, c0, off + i0 * ldc + j0, ldc, acc);
            if (packed) VectorGemm.packed(ta, tb, i0, m, j0, n, k, a, off, lda, b, off, ldb, c1, off, ldc, acc);
            else VectorGemm.inPlace(ta, tb, i0, m, j0, n, k, a, off, lda, b, off, ldb, c1, off, ldc, acc);
            compare(c0, c1, k, (packed ? "packed" : "inPlace") + " ta=" + ta + " tb=" + tb + " " + m + "x" + n + "x" + k);
        }
    }

    @Test
    void matrixVectorAndFewRows() {
        Random r = new Random(5);
        for (int m : new int[] {1, 2, 4, 5}) {
            for (int t = 0; t < 4; t++) {
                check(r, (t & 1) != 0, (t & 2) != 0, m, 3072, 768, 0, 0, false);
                check(r, (t & 1) != 0, (t & 2) != 0, m, 1001, 33, 2, 1, true);
            }
        }
    }

    @Test
    void zeroK() {
        float[] c = {1, 2, 3, 4};
        VectorGemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, true);
        assertEquals(4f, c[3]);
        VectorGemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, false);
        assertEquals(0f, c[3]);
    }

    @Test
    void facadeScalarSwitch() {
        Random r = new Random(9);
        float[] a = rand(r, 40 * 50), b = rand(r, 50 * 60), c1 = new float[40 * 60], c2 = new float[40 * 60];
        Gemm.useScalar(true);
        try {
            Gemm.sgemm(false, false, 40, 60, 50, a, 0, 50, b, 0, 60, c1, 0, 60, false);
        } finally {
            Gemm.useScalar(false);
        }
        Gemm.sgemm(false, false, 40, 60, 50, a, 0, 50, b, 0, 60, c2, 0, 60, false);
        compare(c1, c2, 50, "facade");
    }

    /** Runs both implementations on random data with extra padding (lda/ldb/ldc) and offsets. */
    private static void check(Random r, boolean ta, boolean tb, int m, int n, int k, int off, int pad,
                              boolean acc) {
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        int aRows = ta ? k : m, bRows = tb ? n : k;
        float[] a = rand(r, off + aRows * lda), b = rand(r, off + bRows * ldb);
        float[] c0 = rand(r, off + m * ldc + 7);
        float[] c1 = c0.clone();
        ScalarGemm.sgemm(ta, tb, m, n, k, a, off, lda, b, off, ldb, c0, off, ldc, acc);
        VectorGemm.sgemm(ta, tb, m, n, k, a, off, lda, b, off, ldb, c1, off, ldc, acc);
        compare(c0, c1, k, "ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k
                + " off=" + off + " pad=" + pad + " acc=" + acc);
    }

    /**
     * Entries are sums of k products of values in [-1, 1), so |entry| ~ sqrt(k) and the rounding
     * difference between summation orders ~ sqrt(k) * eps relative: k * eps absolute, with margin.
     */
    private static void compare(float[] expected, float[] actual, int k, String what) {
        double tol = 16 * (k + 2) * Math.ulp(1f);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tol) {
                fail(what + ": index " + i + " expected " + expected[i] + " got " + actual[i]);
            }
        }
    }

    private static float[] rand(Random r, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = r.nextFloat() * 2 - 1;
        return x;
    }
}
