package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast sgemm (same contract as {@link Gemm#sgemm}) in the BLIS/GotoBLAS structure: B is packed
 * in KC x NC panels of NR-wide strips, A in MC x KC blocks of MR-high strips, and a register-blocked
 * MR x NR micro-kernel (MR rows x 4 vectors of C held in registers) does one broadcast of A and one
 * FMA per accumulator per k. Small products and matrix-vector products skip packing
 * ({@link SmallGemm}). Large products are split across {@link Parallel} threads, each owning a
 * contiguous range of whole tiles along m or n.
 */
public final class VectorGemm {
    private VectorGemm() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    static final int MR = 6;
    static final int NR = 4 * VL;
    static final int KC = Integer.getInteger("jgpt.gemm.kc", 256);
    static final int MC = Integer.getInteger("jgpt.gemm.mc", 96);
    static final int NC = Integer.getInteger("jgpt.gemm.nc", 2048);

    /** Below this many multiply-adds the product runs on one thread (dispatch costs microseconds). */
    static final long PARALLEL_MIN_WORK = 1L << 18;
    /** Below this many multiply-adds packing does not pay for itself. */
    static final long SMALL_WORK = 1L << 15;

    /** Per-thread packing buffers, allocated once per thread. */
    private static final class Buffers {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);
    private static final ThreadLocal<Task> TASKS = ThreadLocal.withInitial(Task::new);

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            return;
        }
        long work = (long) m * n * k;
        if (SmallGemm.handles(transA, transB, m, n, work)) {
            SmallGemm.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        int mTiles = (m + MR - 1) / MR;
        int nTiles = (n + NR - 1) / NR;
        int threads = Parallel.threads();
        if (threads == 1 || work < PARALLEL_MIN_WORK || (mTiles < 2 && nTiles < 2)) {
            blocked(transA, transB, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        // Split the larger dimension: each thread then re-packs only the smaller operand.
        boolean splitM = (m >= n && mTiles >= 2) || nTiles < 2;
        Task t = TASKS.get();
        t.set(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, splitM);
        try {
            Parallel.parallelFor(splitM ? mTiles : nTiles, t);
        } finally {
            t.clear();
        }
    }

    /** One parallel sgemm call; reused per calling thread so dispatch allocates nothing. */
    private static final class Task implements IntRangeBody {
        boolean transA, transB, accumulate, splitM;
        int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        float[] a, b, c;

        void set(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate,
                 boolean splitM) {
            this.transA = transA; this.transB = transB; this.m = m; this.n = n; this.k = k;
            this.a = a; this.aOff = aOff; this.lda = lda; this.b = b; this.bOff = bOff; this.ldb = ldb;
            this.c = c; this.cOff = cOff; this.ldc = ldc; this.accumulate = accumulate; this.splitM = splitM;
        }

        void clear() {
            a = b = c = null;
        }

        @Override
        public void run(int from, int to) {
            if (splitM) {
                blocked(transA, transB, from * MR, Math.min(m, to * MR), 0, n, k,
                        a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            } else {
                blocked(transA, transB, 0, m, from * NR, Math.min(n, to * NR), k,
                        a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
        }
    }

    /** Computes rows [i0, i1) x columns [j0, j1) of C on the calling thread. */
    static void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc, boolean accumulate) {
        Buffers buf = BUFFERS.get();
        float[] ap = buf.a, bp = buf.b, tile = buf.tile;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean load = accumulate || pc > 0;
                GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp, NR);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    GemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, ap, MR);
                    macro(mc, nc, kc, ap, bp, c, cOff + ic * ldc + jc, ldc, load, tile);
                }
            }
        }
    }

    /** Runs the micro-kernel over every MR x NR tile of an mc x nc block of C. */
    private static void macro(int mc, int nc, int kc, float[] ap, float[] bp, float[] c, int cIdx,
                              int ldc, boolean load, float[] tile) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bIdx = (jr / NR) * kc * NR;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int aIdx = (ir / MR) * kc * MR;
                int ci = cIdx + ir * ldc + jr;
                if (mr == MR && nr == NR) {
                    if (!load) zero(c, ci, ldc);
                    kernel(kc, ap, aIdx, bp, bIdx, c, ci, ldc);
                } else {
                    java.util.Arrays.fill(tile, 0f);
                    kernel(kc, ap, aIdx, bp, bIdx, tile, 0, NR);
                    edge(tile, c, ci, ldc, mr, nr, load);
                }
            }
        }
    }

    private static void zero(float[] c, int ci, int ldc) {
        for (int r = 0; r < MR; r++) java.util.Arrays.fill(c, ci + r * ldc, ci + r * ldc + NR, 0f);
    }

    /** Writes the valid mr x nr corner of a full tile computed into a scratch buffer. */
    private static void edge(float[] tile, float[] c, int ci, int ldc, int mr, int nr, boolean load) {
        for (int r = 0; r < mr; r++) {
            int t = r * NR, d = ci + r * ldc;
            if (load) {
                for (int j = 0; j < nr; j++) c[d + j] += tile[t + j];
            } else {
                System.arraycopy(tile, t, c, d, nr);
            }
        }
    }

    /**
     * C[6 x 4VL] += Apanel[6 x kc] * Bpanel[kc x 4VL], the 24 accumulators held in registers.
     * Accumulators start from C itself: starting them from zero()/mul() or merging them in a
     * conditional made C2 box every FMA result (measured 10x slower).
     */
    static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc) {
        int r0 = ci;
        int r1 = ci + 1 * ldc;
        int r2 = ci + 2 * ldc;
        int r3 = ci + 3 * ldc;
        int r4 = ci + 4 * ldc;
        int r5 = ci + 5 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, r0), c01 = FloatVector.fromArray(S, c, r0 + VL), c02 = FloatVector.fromArray(S, c, r0 + 2 * VL), c03 = FloatVector.fromArray(S, c, r0 + 3 * VL);
        FloatVector c10 = FloatVector.fromArray(S, c, r1), c11 = FloatVector.fromArray(S, c, r1 + VL), c12 = FloatVector.fromArray(S, c, r1 + 2 * VL), c13 = FloatVector.fromArray(S, c, r1 + 3 * VL);
        FloatVector c20 = FloatVector.fromArray(S, c, r2), c21 = FloatVector.fromArray(S, c, r2 + VL), c22 = FloatVector.fromArray(S, c, r2 + 2 * VL), c23 = FloatVector.fromArray(S, c, r2 + 3 * VL);
        FloatVector c30 = FloatVector.fromArray(S, c, r3), c31 = FloatVector.fromArray(S, c, r3 + VL), c32 = FloatVector.fromArray(S, c, r3 + 2 * VL), c33 = FloatVector.fromArray(S, c, r3 + 3 * VL);
        FloatVector c40 = FloatVector.fromArray(S, c, r4), c41 = FloatVector.fromArray(S, c, r4 + VL), c42 = FloatVector.fromArray(S, c, r4 + 2 * VL), c43 = FloatVector.fromArray(S, c, r4 + 3 * VL);
        FloatVector c50 = FloatVector.fromArray(S, c, r5), c51 = FloatVector.fromArray(S, c, r5 + VL), c52 = FloatVector.fromArray(S, c, r5 + 2 * VL), c53 = FloatVector.fromArray(S, c, r5 + 3 * VL);
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * VL);
            FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * VL);
            FloatVector x0 = FloatVector.broadcast(S, ap[ai]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01); c02 = x0.fma(b2, c02); c03 = x0.fma(b3, c03);
            FloatVector x1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11); c12 = x1.fma(b2, c12); c13 = x1.fma(b3, c13);
            FloatVector x2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21); c22 = x2.fma(b2, c22); c23 = x2.fma(b3, c23);
            FloatVector x3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31); c32 = x3.fma(b2, c32); c33 = x3.fma(b3, c33);
            FloatVector x4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41); c42 = x4.fma(b2, c42); c43 = x4.fma(b3, c43);
            FloatVector x5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51); c52 = x5.fma(b2, c52); c53 = x5.fma(b3, c53);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + VL); c02.intoArray(c, r0 + 2 * VL); c03.intoArray(c, r0 + 3 * VL);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + VL); c12.intoArray(c, r1 + 2 * VL); c13.intoArray(c, r1 + 3 * VL);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + VL); c22.intoArray(c, r2 + 2 * VL); c23.intoArray(c, r2 + 3 * VL);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + VL); c32.intoArray(c, r3 + 2 * VL); c33.intoArray(c, r3 + 3 * VL);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + VL); c42.intoArray(c, r4 + 2 * VL); c43.intoArray(c, r4 + 3 * VL);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + VL); c52.intoArray(c, r5 + 2 * VL); c53.intoArray(c, r5 + 3 * VL);
    }
}
