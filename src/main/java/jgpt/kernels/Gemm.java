package jgpt.kernels;

/**
 * Single-precision general matrix multiply on row-major float arrays:
 * {@code C = op(A) * op(B)} or {@code C += op(A) * op(B)} when {@code accumulate}.
 * op(A) is m x k: A is stored [m, k] (lda >= k) or, when transA, [k, m] (lda >= m).
 * op(B) is k x n: B is stored [k, n] (ldb >= n) or, when transB, [n, k] (ldb >= k).
 * C is [m, n] with row stride ldc >= n.
 */
public final class Gemm {
    private Gemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, cRow, cRow + n, 0f);
            }
            for (int p = 0; p < k; p++) {
                float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (aip == 0f) continue;
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
