package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Unpacked sgemm for small products and few-row products (m <= {@link #MAX_ROWS}, e.g. batch-1
 * decode), where packing would cost more than it saves. Vectorised along the contiguous dimension:
 * rows of B (axpy into rows of C) when B is not transposed, k (dot products) when it is.
 * Each weight is streamed once; large matrix-vector products are split along n across threads.
 */
final class SmallGemm {
    private SmallGemm() {}

    private static final VectorSpecies<Float> S = VectorGemm.S;
    private static final int VL = S.length();
    static final int MAX_ROWS = 4;

    private static final ThreadLocal<Task> TASKS = ThreadLocal.withInitial(Task::new);

    static boolean handles(boolean transA, boolean transB, int m, int n, long work) {
        if (work < VectorGemm.SMALL_WORK) return true;
        return m <= MAX_ROWS && !(transA && transB);
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        if (transA && transB) {
            // Not used by a transformer; only reached for tiny products.
            ScalarGemm.sgemm(true, true, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        long work = (long) m * n * k;
        int chunks = (n + VL - 1) / VL;
        if (work < VectorGemm.PARALLEL_MIN_WORK || Parallel.threads() == 1 || chunks < 2) {
            columns(transA, transB, m, 0, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        Task t = TASKS.get();
        t.set(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        try {
            Parallel.parallelFor(chunks, t);
        } finally {
            t.clear();
        }
    }

    /** Column-range slice of one call; whole VL-wide chunks per thread keep C writes apart. */
    private static final class Task implements IntRangeBody {
        boolean transA, transB, accumulate;
        int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        float[] a, b, c;

        void set(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
            this.transA = transA; this.transB = transB; this.m = m; this.n = n; this.k = k;
            this.a = a; this.aOff = aOff; this.lda = lda; this.b = b; this.bOff = bOff; this.ldb = ldb;
            this.c = c; this.cOff = cOff; this.ldc = ldc; this.accumulate = accumulate;
        }

        void clear() {
            a = b = c = null;
        }

        @Override
        public void run(int from, int to) {
            columns(transA, transB, m, from * VL, Math.min(n, to * VL), k,
                    a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /** Computes columns [j0, j1) of C. Not for transA && transB. */
    static void columns(boolean transA, boolean transB, int m, int j0, int j1, int k,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc, boolean accumulate) {
        int len = j1 - j0;
        if (!transB) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc + j0, cOff + i * ldc + j1, 0f);
            }
            // op(A)[i, p] is at a[ai + i*si + p*sp].
            int si = transA ? 1 : lda, sp = transA ? lda : 1;
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                int br = bOff + p * ldb + j0;
                for (int i = 0; i < m; i++) {
                    int ai = aOff + i * si + p * sp;
                    axpy4(c, cOff + i * ldc + j0, len, a[ai], a[ai + sp], a[ai + 2 * sp], a[ai + 3 * sp],
                          b, br, ldb);
                }
            }
            for (; p < k; p++) {
                int br = bOff + p * ldb + j0;
                for (int i = 0; i < m; i++) {
                    axpy(c, cOff + i * ldc + j0, len, a[aOff + i * si + p * sp], b, br);
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                int ar = aOff + i * lda, cr = cOff + i * ldc;
                int j = j0;
                for (; j + 4 <= j1; j += 4) {
                    dot4(a, ar, b, bOff + j * ldb, ldb, k, c, cr + j, accumulate);
                }
                for (; j < j1; j++) {
                    float d = dot(a, ar, b, bOff + j * ldb, k);
                    c[cr + j] = accumulate ? c[cr + j] + d : d;
                }
            }
        }
    }

    /** c[ci..ci+len) += x0*b[bi..] + x1*b[bi+ldb..] + x2*b[bi+2ldb..] + x3*b[bi+3ldb..]. */
    static void axpy4(float[] c, int ci, int len, float x0, float x1, float x2, float x3,
                      float[] b, int bi, int ldb) {
        FloatVector v0 = FloatVector.broadcast(S, x0), v1 = FloatVector.broadcast(S, x1);
        FloatVector v2 = FloatVector.broadcast(S, x2), v3 = FloatVector.broadcast(S, x3);
        int b1 = bi + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
        int j = 0, bound = S.loopBound(len);
        for (; j < bound; j += VL) {
            FloatVector acc = FloatVector.fromArray(S, c, ci + j);
            acc = v0.fma(FloatVector.fromArray(S, b, bi + j), acc);
            acc = v1.fma(FloatVector.fromArray(S, b, b1 + j), acc);
            acc = v2.fma(FloatVector.fromArray(S, b, b2 + j), acc);
            acc = v3.fma(FloatVector.fromArray(S, b, b3 + j), acc);
            acc.intoArray(c, ci + j);
        }
        for (; j < len; j++) {
            c[ci + j] += x0 * b[bi + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
        }
    }

    static void axpy(float[] c, int ci, int len, float x, float[] b, int bi) {
        FloatVector v = FloatVector.broadcast(S, x);
        int j = 0, bound = S.loopBound(len);
        for (; j < bound; j += VL) {
            v.fma(FloatVector.fromArray(S, b, bi + j), FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
        }
        for (; j < len; j++) c[ci + j] += x * b[bi + j];
    }

    /** Four dot products of x[xi..xi+k) with rows y[yi + r*ldy ..] (r < 4), written to c[ci..ci+4). */
    static void dot4(float[] x, int xi, float[] y, int yi, int ldy, int k, float[] c, int ci,
                     boolean accumulate) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int y1 = yi + ldy, y2 = y1 + ldy, y3 = y2 + ldy;
        int p = 0, bound = S.loopBound(k);
        for (; p < bound; p += VL) {
            FloatVector xv = FloatVector.fromArray(S, x, xi + p);
            s0 = xv.fma(FloatVector.fromArray(S, y, yi + p), s0);
            s1 = xv.fma(FloatVector.fromArray(S, y, y1 + p), s1);
            s2 = xv.fma(FloatVector.fromArray(S, y, y2 + p), s2);
            s3 = xv.fma(FloatVector.fromArray(S, y, y3 + p), s3);
        }
        float d0 = VecMath.sum(s0), d1 = VecMath.sum(s1);
        float d2 = VecMath.sum(s2), d3 = VecMath.sum(s3);
        for (; p < k; p++) {
            float xp = x[xi + p];
            d0 += xp * y[yi + p]; d1 += xp * y[y1 + p]; d2 += xp * y[y2 + p]; d3 += xp * y[y3 + p];
        }
        if (accumulate) {
            c[ci] += d0; c[ci + 1] += d1; c[ci + 2] += d2; c[ci + 3] += d3;
        } else {
            c[ci] = d0; c[ci + 1] = d1; c[ci + 2] = d2; c[ci + 3] = d3;
        }
    }

    static float dot(float[] x, int xi, float[] y, int yi, int k) {
        FloatVector s = FloatVector.zero(S);
        int p = 0, bound = S.loopBound(k);
        for (; p < bound; p += VL) {
            s = FloatVector.fromArray(S, x, xi + p).fma(FloatVector.fromArray(S, y, yi + p), s);
        }
        float d = VecMath.sum(s);
        for (; p < k; p++) d += x[xi + p] * y[yi + p];
        return d;
    }
}
