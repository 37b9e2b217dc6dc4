package jgpt.kernels;

import java.util.Arrays;

/**
 * Reference sgemm: plain loops, the specification the fast kernels are tested against.
 * Same contract as {@link Gemm#sgemm}.
 */
public final class ScalarGemm {
    private ScalarGemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * ldc;
            if (!accumulate) {
                Arrays.fill(c, cRow, cRow + n, 0f);
            }
            for (int p = 0; p < k; p++) {
                float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (!transB) {
                    int bRow = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
                } else {
                    for (int j = 0; j < n; j++) c[cRow + j] += aip * b[bOff + j * ldb + p];
                }
            }
        }
    }
}
