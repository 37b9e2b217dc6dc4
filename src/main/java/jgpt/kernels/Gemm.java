package jgpt.kernels;

/**
 * Single-precision general matrix multiply on row-major float arrays:
 * {@code C = op(A) * op(B)} or {@code C += op(A) * op(B)} when {@code accumulate}.
 * op(A) is m x k: A is stored [m, k] (lda >= k) or, when transA, [k, m] (lda >= m).
 * op(B) is k x n: B is stored [k, n] (ldb >= n) or, when transB, [n, k] (ldb >= k).
 * C is [m, n] with row stride ldc >= n.
 * Dispatches to {@link VectorGemm}; {@link #useScalar(boolean)} forces the reference loops.
 */
public final class Gemm {
    private Gemm() {}

    private static volatile boolean scalar;

    /** Forces the plain-loop reference implementation (for tests and debugging). */
    public static void useScalar(boolean on) {
        scalar = on;
    }

    public static boolean usingScalar() {
        return scalar;
    }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        if (scalar) {
            ScalarGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            VectorGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }
}
