package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast sgemm (same contract as {@link Gemm#sgemm}) in the BLIS/GotoBLAS structure: KC x NC panels of
 * op(B) in NR-wide strips, MC x KC blocks of op(A) in MR-high strips, and a register-blocked MR x NR
 * micro-kernel (MR rows x 4 vectors of C held in registers) doing one broadcast of A and one FMA per
 * accumulator per k. Strips are read in place when the layout allows and packed otherwise (a transposed B,
 * ragged edges). Small products and matrix-vector products take {@link SmallGemm}. Large products are split
 * across {@link Parallel} threads, each owning a contiguous range of whole tiles along m or n.
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

    /** Read as the starting C tile (row stride 0) when C is overwritten: cheaper than zeroing C first. */
    private static final float[] ZERO = new float[NR];

    /** Per-thread packing buffers, allocated once per thread. */
    private static final class Buffers {
        final float[] a = new float[MR * KC];
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

    /**
     * Computes rows [i0, i1) x columns [j0, j1) of C on the calling thread. Operands are read in place where
     * their layout already gives the micro-kernel what it streams (every op(A) strip: MR values per k at fixed
     * strides; op(B) rows when B is not transposed: NR contiguous values per k). Only a transposed B and the
     * ragged edge strips are packed: for the small products of a `baby` step packing cost a fifth of the time.
     */
    static void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc, boolean accumulate) {
        Buffers buf = BUFFERS.get();
        // op(A)[i, p] = a[aOff + i * aRow + p * aK]
        int aRow = transA ? 1 : lda, aK = transA ? lda : 1;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean load = accumulate || pc > 0;
                int fullWidth = transB ? 0 : nc - nc % NR;
                if (transB) GemmPacking.packB(true, b, bOff, ldb, pc, kc, jc, nc, buf.b, NR);
                else if (fullWidth < nc) GemmPacking.packB(false, b, bOff, ldb, pc, kc, jc + fullWidth, nc - fullWidth, buf.b, NR);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    int fullHeight = mc - mc % MR;
                    if (fullHeight < mc) GemmPacking.packA(transA, a, aOff, lda, ic + fullHeight, mc - fullHeight, pc, kc, buf.a, MR);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        float[] bs;
                        int bi, bK;
                        if (jr < fullWidth) {
                            bs = b; bi = bOff + pc * ldb + jc + jr; bK = ldb;
                        } else {
                            bs = buf.b; bi = ((jr - fullWidth) / NR) * kc * NR; bK = NR;
                        }
                        int ci = cOff + ic * ldc + jc + jr;
                        for (int ir = 0; ir < fullHeight; ir += MR, ci += MR * ldc) {
                            int ai = aOff + (ic + ir) * aRow + pc * aK;
                            if (nr == NR) {
                                if (load) kernel(kc, a, ai, aRow, aK, bs, bi, bK, c, ci, ldc, c, ci, ldc);
                                else kernel(kc, a, ai, aRow, aK, bs, bi, bK, ZERO, 0, 0, c, ci, ldc);
                            } else {
                                kernel(kc, a, ai, aRow, aK, bs, bi, bK, ZERO, 0, 0, buf.tile, 0, NR);
                                edge(buf.tile, c, ci, ldc, MR, nr, load);
                            }
                        }
                        if (fullHeight < mc) {
                            kernel(kc, buf.a, 0, 1, MR, bs, bi, bK, ZERO, 0, 0, buf.tile, 0, NR);
                            edge(buf.tile, c, ci, ldc, mc - fullHeight, nr, load);
                        }
                    }
                }
            }
        }
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
     * C[6 x 4VL] += op(A)[6 x kc] * op(B)[kc x 4VL], the 24 accumulators held in registers; op(A)[r, p] is
     * a[ai + r * aRow + p * aK] and row p of op(B) starts at b[bi + p * bK]. The tile starts from
     * src[si + r * lds ...] (C itself, or {@link #ZERO} with lds 0) and is stored to c[ci + r * ldc ...].
     * Accumulators start from loaded values: starting them from zero()/mul() or merging them in a
     * conditional made C2 box every FMA result (measured 10x slower).
     */
    static void kernel(int kc, float[] a, int ai, int aRow, int aK, float[] b, int bi, int bK,
                       float[] src, int si, int lds, float[] c, int ci, int ldc) {
        int a0 = ai, a1 = ai + aRow, a2 = a1 + aRow, a3 = a2 + aRow, a4 = a3 + aRow, a5 = a4 + aRow;
        int s0 = si, s1 = si + lds, s2 = s1 + lds, s3 = s2 + lds, s4 = s3 + lds, s5 = s4 + lds;
        int r0 = ci;
        int r1 = ci + 1 * ldc;
        int r2 = ci + 2 * ldc;
        int r3 = ci + 3 * ldc;
        int r4 = ci + 4 * ldc;
        int r5 = ci + 5 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, src, s0), c01 = FloatVector.fromArray(S, src, s0 + VL), c02 = FloatVector.fromArray(S, src, s0 + 2 * VL), c03 = FloatVector.fromArray(S, src, s0 + 3 * VL);
        FloatVector c10 = FloatVector.fromArray(S, src, s1), c11 = FloatVector.fromArray(S, src, s1 + VL), c12 = FloatVector.fromArray(S, src, s1 + 2 * VL), c13 = FloatVector.fromArray(S, src, s1 + 3 * VL);
        FloatVector c20 = FloatVector.fromArray(S, src, s2), c21 = FloatVector.fromArray(S, src, s2 + VL), c22 = FloatVector.fromArray(S, src, s2 + 2 * VL), c23 = FloatVector.fromArray(S, src, s2 + 3 * VL);
        FloatVector c30 = FloatVector.fromArray(S, src, s3), c31 = FloatVector.fromArray(S, src, s3 + VL), c32 = FloatVector.fromArray(S, src, s3 + 2 * VL), c33 = FloatVector.fromArray(S, src, s3 + 3 * VL);
        FloatVector c40 = FloatVector.fromArray(S, src, s4), c41 = FloatVector.fromArray(S, src, s4 + VL), c42 = FloatVector.fromArray(S, src, s4 + 2 * VL), c43 = FloatVector.fromArray(S, src, s4 + 3 * VL);
        FloatVector c50 = FloatVector.fromArray(S, src, s5), c51 = FloatVector.fromArray(S, src, s5 + VL), c52 = FloatVector.fromArray(S, src, s5 + 2 * VL), c53 = FloatVector.fromArray(S, src, s5 + 3 * VL);
        for (int p = 0, ak = 0; p < kc; p++, ak += aK, bi += bK) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + VL);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * VL);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * VL);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01); c02 = x0.fma(b2, c02); c03 = x0.fma(b3, c03);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11); c12 = x1.fma(b2, c12); c13 = x1.fma(b3, c13);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21); c22 = x2.fma(b2, c22); c23 = x2.fma(b3, c23);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31); c32 = x3.fma(b2, c32); c33 = x3.fma(b3, c33);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + ak]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41); c42 = x4.fma(b2, c42); c43 = x4.fma(b3, c43);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + ak]);
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
