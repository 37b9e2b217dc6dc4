package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fast sgemm (same contract as {@link Gemm#sgemm}) in the BLIS/GotoBLAS structure: KC x NC panels of
 * op(B) in NR-wide strips, MC x KC blocks of op(A) in MR-row strips, and a register-blocked MR x NR
 * micro-kernel (MR rows x 4 vectors of C held in registers) doing one broadcast of A and one FMA per
 * accumulator per k. Products at least one NR-wide strip wide (per thread) take the constant-stride kernel
 * ({@link GemmKernels}: B packed; A packed, or read in place when not transposed); narrower ones, and narrow
 * ones ending in a half strip, read the operands in place where the layout allows ({@link StridedGemmKernels}).
 * Small products and matrix-vector products take {@link SmallGemm}. Large products are split across
 * {@link Parallel} threads, each owning a contiguous range of whole tiles along m or n.
 */
public final class VectorGemm {
    private VectorGemm() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    static final int MR = GemmKernels.MR;
    static final int NR = GemmKernels.NR;
    static final int KC = GemmKernels.KC;
    static final int MC = Integer.getInteger("jgpt.gemm.mc", 96);
    static final int NC = Integer.getInteger("jgpt.gemm.nc", 2048);

    /** Below this many multiply-adds the product runs on one thread (dispatch costs microseconds). */
    static final long PARALLEL_MIN_WORK = 1L << 18;
    /** Below this many multiply-adds packing does not pay for itself. */
    static final long SMALL_WORK = 1L << 15;

    /**
     * Products whose column range (per thread) is at least this wide take the constant-stride kernel (B packed);
     * so do narrower ones of at least one NR-wide strip unless their last strip is half a strip wide,
     * which the in-place path reads with its 32-wide kernel (single-thread, 384 rows, 160 and 96 columns: 122-140
     * and 121-129 GFLOP/s in place vs 120-124 and 105-108 packed; 128 columns: 116 in place vs 147 packed; in a
     * `baby` step 65 columns, GPT's char-level logits, ran 10-15 in place vs 49-53 packed).
     */
    static final int PACKED_MIN_COLUMNS = Integer.getInteger("jgpt.gemm.packedMinColumns", 256);

    /**
     * In the in-place path, an untransposed B with rows at most this far apart is read in place; wider
     * matrices are packed, as BLIS does, since their panel rows land pages apart.
     */
    static final int IN_PLACE_MAX_LDB = Integer.getInteger("jgpt.gemm.inPlaceMaxLdb", 1024);

    static final boolean GATHER = !Boolean.getBoolean("jgpt.gemm.noGather");

    /** Whether packing this operand gathers (and so needs the gather offsets): only transposed, without 16-wide transposes. */
    private static boolean gathered(boolean transposed) {
        return transposed && GATHER && !Transpose.AVAILABLE;
    }

    /** Where packed B strips and corner tiles start in their buffers (a cache-line boundary when arrays are line-aligned). */
    private static final int B0 = Alignment.FIRST;

    /** Read as the starting C tile (row stride 0) when C is overwritten: cheaper than zeroing C first. */
    private static final float[] ZERO = new float[NR];

    /** Per-thread packing buffers, allocated once per thread. */
    private static final class Buffers {
        /** An MC x KC block of op(A) (MC rounded up to whole strips). */
        final float[] a = new float[((MC + MR - 1) / MR) * MR * KC];
        /** A KC x NC panel of op(B) in NR-wide strips, from {@link Alignment#FIRST} so every B load is within a cache line. */
        final float[] b = Alignment.floats(KC * ((NC + NR - 1) / NR) * NR);
        /** A ragged corner tile, from {@link Alignment#FIRST}. */
        final float[] tile = Alignment.floats(MR * NR);
        /** Gather offsets for packing a transposed operand. */
        final int[] rows = new int[VL];

        /** rows[t] = t * ld: VL stores, against the kc x nc (or mc x kc) values of the panel they serve. */
        int[] gatherRows(int ld) {
            for (int t = 0; t < VL; t++) rows[t] = t * ld;
            return rows;
        }
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
        int columns = j1 - j0;
        if (columns >= PACKED_MIN_COLUMNS || columns >= NR && columns % NR != NR / 2) {
            packed(transA, transB, i0, i1, j0, j1, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            inPlace(transA, transB, i0, i1, j0, j1, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /**
     * {@link #blocked} with both operands packed: op(B) in KC x NC panels of NR-wide strips, op(A) in MC x KC
     * blocks of MR-row strips (zero-padded), so the micro-kernel reads both at constant strides.
     */
    static void packed(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        Buffers buf = BUFFERS.get();
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean load = accumulate || pc > 0;
                GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, buf.b, B0, NR, gathered(transB) ? buf.gatherRows(ldb) : null);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    // an untransposed A is read in place, rows lda apart; only a last, partial strip is packed
                    // (zero-padded). Copying A cost 5.5% of a `baby` step, where B strips reuse it only two to eight times.
                    int inPlaceRows = transA ? 0 : mc - mc % MR;
                    GemmPacking.packARows(transA, a, aOff, lda, ic + inPlaceRows, mc - inPlaceRows, pc, kc, buf.a, KC,
                            gathered(transA) ? buf.gatherRows(lda) : null);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bi = B0 + (jr / NR) * kc * NR;
                        int ci = cOff + ic * ldc + jc + jr;
                        float[] src = load ? c : ZERO;  // the tile's starting values
                        int lds = load ? ldc : 0;
                        for (int ir = 0; ir < mc; ir += MR, ci += MR * ldc) {
                            int mr = Math.min(MR, mc - ir), si = load ? ci : 0;
                            boolean direct = ir < inPlaceRows;
                            float[] as = direct ? a : buf.a;
                            int ai = direct ? aOff + (ic + ir) * lda + pc : (ir - inPlaceRows) * KC, ld = direct ? lda : KC;
                            if (mr == MR && nr == NR) {
                                GemmKernels.wide(kc, as, ai, ld, buf.b, bi, src, si, lds, c, ci, ldc);
                            } else {
                                // a ragged corner: computed as a full (zero-padded) tile in scratch
                                GemmKernels.wide(kc, as, ai, ld, buf.b, bi, ZERO, 0, 0, buf.tile, B0, NR);
                                storeTile(buf.tile, mr, nr, c, ci, ldc, load);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #blocked} reading operands in place where their layout already gives the micro-kernel what it
     * streams (every op(A) strip: MR values per k at fixed strides; op(B) rows when B is not transposed: NR
     * contiguous values per k). Only a transposed or wide B and the ragged edge strips are packed.
     */
    static void inPlace(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
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
                // columns read in place: whole NR strips, plus a last strip of exactly NR/2 (the narrow kernel)
                int fullWidth = transB || ldb > IN_PLACE_MAX_LDB ? 0 : nc % NR == NR / 2 ? nc : nc - nc % NR;
                if (fullWidth == 0) GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, buf.b, B0, NR, gathered(transB) ? buf.gatherRows(ldb) : null);
                else if (fullWidth < nc) GemmPacking.packB(false, b, bOff, ldb, pc, kc, jc + fullWidth, nc - fullWidth, buf.b, B0, NR, null);
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
                            bs = buf.b; bi = B0 + ((jr - fullWidth) / NR) * kc * NR; bK = NR;
                        }
                        int ci = cOff + ic * ldc + jc + jr;
                        float[] src = load ? c : ZERO;  // the tile's starting values
                        int lds = load ? ldc : 0;
                        for (int ir = 0; ir < fullHeight; ir += MR, ci += MR * ldc) {
                            int ai = aOff + (ic + ir) * aRow + pc * aK, si = load ? ci : 0;
                            if (nr == NR) {
                                StridedGemmKernels.wide(kc, a, ai, aRow, aK, bs, bi, bK, src, si, lds, c, ci, ldc);
                            } else if (nr == NR / 2) {
                                StridedGemmKernels.narrow(kc, a, ai, aRow, aK, bs, bi, bK, src, si, lds, c, ci, ldc);
                            } else {
                                stridedEdgeTile(kc, a, ai, aRow, aK, bs, bi, bK, MR, nr, buf.tile, c, ci, ldc, load);
                            }
                        }
                        if (fullHeight < mc) {
                            stridedEdgeTile(kc, buf.a, 0, 1, MR, bs, bi, bK, mc - fullHeight, nr, buf.tile, c, ci, ldc, load);
                        }
                    }
                }
            }
        }
    }

    /** A ragged mr x nr corner of C: computed as a full (padded) tile in scratch, then its valid part written. */
    private static void stridedEdgeTile(int kc, float[] a, int ai, int aRow, int aK, float[] b, int bi, int bK,
                                        int mr, int nr, float[] tile, float[] c, int ci, int ldc, boolean load) {
        if (nr <= NR / 2) StridedGemmKernels.narrow(kc, a, ai, aRow, aK, b, bi, bK, ZERO, 0, 0, tile, B0, NR);
        else StridedGemmKernels.wide(kc, a, ai, aRow, aK, b, bi, bK, ZERO, 0, 0, tile, B0, NR);
        storeTile(tile, mr, nr, c, ci, ldc, load);
    }

    /** Writes (or adds) the valid mr x nr part of a padded tile to C. */
    private static void storeTile(float[] tile, int mr, int nr, float[] c, int ci, int ldc, boolean load) {
        for (int r = 0; r < mr; r++) {
            int t = B0 + r * NR, d = ci + r * ldc;
            for (int j = 0; j < nr; j += VL) {
                VectorMask<Float> m = S.indexInRange(j, nr);
                FloatVector v = FloatVector.fromArray(S, tile, t + j);
                if (load) v = v.add(FloatVector.fromArray(S, c, d + j, m));
                v.intoArray(c, d + j, m);
            }
        }
    }
}
