package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The small products of {@link AttentionKernel}, as direct Vector API loops over a few rows at a time
 * ({@link #PRODUCT_ROWS} for scores, {@link #ROWS} for weighted sums): at T <= 256 and head size 32 or 64 each
 * product is a few thousand multiply-adds, where a general GEMM call spends more on dispatch, packing and edges
 * than on arithmetic. Every result is a fixed sequence of fmas,
 * so it does not depend on the thread or on JIT compilation.
 */
final class AttentionTiles {
    private AttentionTiles() {}

    private static final VectorSpecies<Float> S = Vec.S;
    private static final int L = Vec.L;

    /** Rows computed together: four accumulators share each loaded vector. */
    static final int ROWS = 4;

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    /** Where {@link #transpose} starts its output in a {@link #scratch}: a cache line, so key blocks load within one. */
    static final int HEAD = Alignment.FIRST;

    /** This thread's scratch for n floats from {@link #HEAD} (the transposed queries or values of one pair). */
    static float[] scratch(int n) {
        return atLeast(SCRATCH, HEAD + n);
    }

    private static final ThreadLocal<float[]> COLUMNS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> COLUMN_STATS = ThreadLocal.withInitial(() -> new float[L]);

    /** This thread's scratch of at least n floats for a key-major block of scores ({@link #softmaxColumns}). */
    static float[] scoreBlock(int n) {
        return atLeast(COLUMNS, n);
    }

    private static float[] atLeast(ThreadLocal<float[]> local, int n) {
        float[] s = local.get();
        if (s.length < n) local.set(s = new float[n]);
        return s;
    }

    /** This thread's L floats for the per-query statistics of {@link #softmaxColumns}. */
    static float[] scoreBlockStats() {
        return COLUMN_STATS.get();
    }

    /** t rounded up to whole vectors: the row length of a transposed head, so key blocks load full vectors. */
    static int padded(int t) {
        return (t + L - 1) / L * L;
    }

    private static final ThreadLocal<int[]> ROW_OFFSETS = ThreadLocal.withInitial(() -> new int[L]);

    /**
     * dst[HEAD + d * padded(rows) + j] = src[off + j * stride + d] for d < width, j < rows; padding keys get zeros. With
     * 16-wide vectors through {@link Transpose}; otherwise each destination vector of L whole rows is one gather
     * (scalar copies cost several percent of a `baby` step) and the last, partial one is copied (a masked gather
     * still range-checks its inactive lanes).
     */
    static void transpose(float[] src, int off, int stride, int rows, int width, float[] dst) {
        int tp = padded(rows);
        if (Transpose.AVAILABLE) {
            Transpose.region(src, off, stride, rows, width, dst, HEAD, tp);
        } else {
            int whole = rows - rows % L;
            int[] rowOffsets = ROW_OFFSETS.get();
            for (int l = 0; l < L; l++) rowOffsets[l] = l * stride;
            for (int j = 0; j < whole; j += L) {
                for (int d = 0, o = HEAD + j; d < width; d++, o += tp) {
                    FloatVector.fromArray(S, src, off + j * stride + d, rowOffsets, 0).intoArray(dst, o);
                }
            }
            for (int d = 0; d < width; d++) {
                for (int j = whole; j < rows; j++) dst[HEAD + d * tp + j] = src[off + j * stride + d];
            }
        }
        for (int d = 0, o = HEAD; d < width && rows < tp; d++, o += tp) java.util.Arrays.fill(dst, o + rows, o + tp, 0f);
    }

    /** Rows per call of {@link #products}: eight accumulators, so eight FMA chains hide the FMA latency. */
    static final int PRODUCT_ROWS = 8;

    /**
     * out[outOff + r * outStride + j] = scale * sum_d a[aOff + r * aStride + d] * bT[bTOff + d * bTStride + j] for rows
     * r < rows (at most PRODUCT_ROWS) and j < keys: all rows' products against all keys up to the last row's.
     * Four rows (four dependent FMA chains over d) were 2-6% slower per attention pass.
     */
    static void products(float[] a, int aOff, int aStride, int rows, float[] bT, int bTOff, int bTStride, int width, int keys,
                         float scale, float[] out, int outOff, int outStride) {
        // rows past the end repeat the last one, so the loop has no branches; their results are not stored
        int last = rows - 1;
        int a0 = aOff, a1 = aOff + Math.min(1, last) * aStride, a2 = aOff + Math.min(2, last) * aStride;
        int a3 = aOff + Math.min(3, last) * aStride, a4 = aOff + Math.min(4, last) * aStride;
        int a5 = aOff + Math.min(5, last) * aStride, a6 = aOff + Math.min(6, last) * aStride, a7 = aOff + Math.min(7, last) * aStride;
        for (int j = 0; j < keys; j += L) {
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S), acc2 = FloatVector.zero(S), acc3 = FloatVector.zero(S);
            FloatVector acc4 = FloatVector.zero(S), acc5 = FloatVector.zero(S), acc6 = FloatVector.zero(S), acc7 = FloatVector.zero(S);
            for (int d = 0, bt = bTOff + j; d < width; d++, bt += bTStride) {
                FloatVector kv = FloatVector.fromArray(S, bT, bt);
                acc0 = FloatVector.broadcast(S, a[a0 + d]).fma(kv, acc0);
                acc1 = FloatVector.broadcast(S, a[a1 + d]).fma(kv, acc1);
                acc2 = FloatVector.broadcast(S, a[a2 + d]).fma(kv, acc2);
                acc3 = FloatVector.broadcast(S, a[a3 + d]).fma(kv, acc3);
                acc4 = FloatVector.broadcast(S, a[a4 + d]).fma(kv, acc4);
                acc5 = FloatVector.broadcast(S, a[a5 + d]).fma(kv, acc5);
                acc6 = FloatVector.broadcast(S, a[a6 + d]).fma(kv, acc6);
                acc7 = FloatVector.broadcast(S, a[a7 + d]).fma(kv, acc7);
            }
            var inRow = S.indexInRange(j, keys);
            int o = outOff + j;
            acc0.mul(scale).intoArray(out, o, inRow);
            if (rows > 1) acc1.mul(scale).intoArray(out, o + outStride, inRow);
            if (rows > 2) acc2.mul(scale).intoArray(out, o + 2 * outStride, inRow);
            if (rows > 3) acc3.mul(scale).intoArray(out, o + 3 * outStride, inRow);
            if (rows > 4) acc4.mul(scale).intoArray(out, o + 4 * outStride, inRow);
            if (rows > 5) acc5.mul(scale).intoArray(out, o + 5 * outStride, inRow);
            if (rows > 6) acc6.mul(scale).intoArray(out, o + 6 * outStride, inRow);
            if (rows > 7) acc7.mul(scale).intoArray(out, o + 7 * outStride, inRow);
        }
    }

    /**
     * out[outOff + r * outStride + d] (+)= sum_{s < n} p[pOff + r * pRowStep + s * pSumStep] * x[xOff + s * xStride + d]
     * for rows r < rows (at most ROWS) and d < width: probabilities times values (pRowStep 1 walks a column of P,
     * for the key-side gradients).
     */
    static void weightedSum(float[] p, int pOff, int pRowStep, int pSumStep, int rows, int n, float[] x, int xOff,
                            int xStride, int width, float[] out, int outOff, int outStride, boolean add) {
        int p0 = pOff, p1 = pOff + Math.min(1, rows - 1) * pRowStep;
        int p2 = pOff + Math.min(2, rows - 1) * pRowStep, p3 = pOff + Math.min(3, rows - 1) * pRowStep;
        int d = 0;
        // two vectors of the width per pass: each broadcast of p then feeds two fmas
        for (; d + 2 * L <= width; d += 2 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S), b3 = FloatVector.zero(S);
            for (int s = 0, ps = 0, xs = xOff + d; s < n; s++, ps += pSumStep, xs += xStride) {
                FloatVector xa = FloatVector.fromArray(S, x, xs), xb = FloatVector.fromArray(S, x, xs + L);
                FloatVector w0 = FloatVector.broadcast(S, p[p0 + ps]);
                a0 = w0.fma(xa, a0);
                b0 = w0.fma(xb, b0);
                FloatVector w1 = FloatVector.broadcast(S, p[p1 + ps]);
                a1 = w1.fma(xa, a1);
                b1 = w1.fma(xb, b1);
                FloatVector w2 = FloatVector.broadcast(S, p[p2 + ps]);
                a2 = w2.fma(xa, a2);
                b2 = w2.fma(xb, b2);
                FloatVector w3 = FloatVector.broadcast(S, p[p3 + ps]);
                a3 = w3.fma(xa, a3);
                b3 = w3.fma(xb, b3);
            }
            int o = outOff + d;
            store(a0, out, o, add);
            store(b0, out, o + L, add);
            if (rows > 1) { store(a1, out, o + outStride, add); store(b1, out, o + outStride + L, add); }
            if (rows > 2) { store(a2, out, o + 2 * outStride, add); store(b2, out, o + 2 * outStride + L, add); }
            if (rows > 3) { store(a3, out, o + 3 * outStride, add); store(b3, out, o + 3 * outStride + L, add); }
        }
        for (int bound = S.loopBound(width); d < bound; d += L) {
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S), acc2 = FloatVector.zero(S), acc3 = FloatVector.zero(S);
            for (int s = 0, ps = 0, xs = xOff + d; s < n; s++, ps += pSumStep, xs += xStride) {
                FloatVector xv = FloatVector.fromArray(S, x, xs);
                acc0 = FloatVector.broadcast(S, p[p0 + ps]).fma(xv, acc0);
                acc1 = FloatVector.broadcast(S, p[p1 + ps]).fma(xv, acc1);
                acc2 = FloatVector.broadcast(S, p[p2 + ps]).fma(xv, acc2);
                acc3 = FloatVector.broadcast(S, p[p3 + ps]).fma(xv, acc3);
            }
            int o = outOff + d;
            store(acc0, out, o, add);
            if (rows > 1) store(acc1, out, o + outStride, add);
            if (rows > 2) store(acc2, out, o + 2 * outStride, add);
            if (rows > 3) store(acc3, out, o + 3 * outStride, add);
        }
        for (; d < width; d++) {
            for (int r = 0; r < rows; r++) {
                float acc = 0f;
                for (int s = 0; s < n; s++) acc = Math.fma(p[pOff + r * pRowStep + s * pSumStep], x[xOff + s * xStride + d], acc);
                int o = outOff + r * outStride + d;
                out[o] = add ? out[o] + acc : acc;
            }
        }
    }

    /**
     * Causal softmax of a key-major block of scores: st[j * L + l] is key j against query r0 + l, for keys j < keys
     * (the block's last query's). Each lane is one query, so the max, the exps and the sum are lanewise over
     * the keys, with no reductions across lanes (short causal rows cost a reduction or two per few values
     * otherwise). Keys after a lane's query are masked to exactly zero. Leaves exp(s - max) in st and 1 / sum
     * per lane in {@code inv}; the max and the sum are carried in vectors, the sum added key by key in order.
     */
    static void softmaxColumns(float[] st, int keys, int r0, float[] inv) {
        columnMax(st, keys, r0, inv);
        columnExpSum(st, keys, r0, inv);
    }

    // Row d (0 <= d < L) of each table is for a key d positions after the block's first query: lanes l < d (earlier
    // queries) cannot see it. Adding HIDDEN_BIAS hides those lanes from the max and multiplying by VISIBLE zeroes
    // their exps (VecMath.exp stays finite, so the product is exactly 0); tables rather than masks, whose
    // construction from a run-time offset was not intrinsified and boxed.
    private static final float[] HIDDEN_BIAS = new float[L * L], VISIBLE = new float[L * L];
    static {
        for (int d = 0; d < L; d++) {
            for (int l = 0; l < L; l++) {
                HIDDEN_BIAS[d * L + l] = l < d ? Float.NEGATIVE_INFINITY : 0f;
                VISIBLE[d * L + l] = l < d ? 0f : 1f;
            }
        }
    }

    /** The table row for key j in a block starting at query r0 (keys up to r0 are visible to all of it). */
    private static int maskRow(int j, int r0) {
        return Math.max(0, j - r0) * L;
    }

    private static void columnMax(float[] st, int keys, int r0, float[] max) {
        FloatVector m = FloatVector.fromArray(S, st, 0); // key 0 is visible to every query
        for (int j = 1; j < keys; j++) {
            m = VecMath.max(FloatVector.fromArray(S, st, j * L).add(FloatVector.fromArray(S, HIDDEN_BIAS, maskRow(j, r0))), m);
        }
        m.intoArray(max, 0);
    }

    private static void columnExpSum(float[] st, int keys, int r0, float[] stats) {
        FloatVector max = FloatVector.fromArray(S, stats, 0);
        VecMath.exp(FloatVector.fromArray(S, st, 0).sub(max)).intoArray(st, 0);
        // accumulators are arguments, never receivers, and start from loads (see Vec): otherwise C2 may box them
        FloatVector sum = FloatVector.fromArray(S, st, 0);
        for (int j = 1; j < keys; j++) {
            FloatVector e = FloatVector.fromArray(S, VISIBLE, maskRow(j, r0)).mul(VecMath.exp(FloatVector.fromArray(S, st, j * L).sub(max)));
            e.intoArray(st, j * L);
            sum = e.add(sum);
        }
        FloatVector.broadcast(S, 1f).div(sum).intoArray(stats, 0);
    }

    /**
     * Writes the probabilities of {@link #softmaxColumns} row-major: att[rowBase + l * t + j] = st[j * L + l] *
     * inv[l] for the block's nq queries and keys j < keys (masked keys are zero), zeros for keys keys .. t. A full
     * block is transposed in registers ({@link Transpose}), or else scattered one vector per key.
     */
    static void storeColumns(float[] st, int keys, float[] inv, int nq, float[] att, int rowBase, int t) {
        if (nq == L && Transpose.AVAILABLE) {
            // scaled in place, then moved in 16 x 16 register transposes instead of one scatter per key (attention
            // forward 0.91 of the scattering one, in-process A/B)
            FloatVector scale = FloatVector.fromArray(S, inv, 0);
            for (int j = 0; j < keys; j++) FloatVector.fromArray(S, st, j * L).mul(scale).intoArray(st, j * L);
            Transpose.region(st, 0, L, keys, L, att, rowBase, t);
        } else if (nq == L) {
            int[] rowOffsets = ROW_OFFSETS.get();
            for (int l = 0; l < L; l++) rowOffsets[l] = l * t;
            FloatVector scale = FloatVector.fromArray(S, inv, 0);
            for (int j = 0; j < keys; j++) FloatVector.fromArray(S, st, j * L).mul(scale).intoArray(att, rowBase + j, rowOffsets, 0);
        } else {
            for (int l = 0; l < nq; l++) {
                for (int j = 0, row = rowBase + l * t; j < keys; j++) att[row + j] = st[j * L + l] * inv[l];
            }
        }
        for (int l = 0; l < nq; l++) java.util.Arrays.fill(att, rowBase + l * t + keys, rowBase + l * t + t, 0f);
    }

    /** ds[j] = p[j] * (ds[j] - dot) * scale for j < n: the gradient of the scaled scores, in place of dP. */
    static void scoreGradient(float[] p, int pOff, float[] ds, int dsOff, float dot, float scale, int n) {
        for (int j = 0; j < n; j += L) {
            var in = S.indexInRange(j, n);
            FloatVector pv = FloatVector.fromArray(S, p, pOff + j, in);
            pv.mul(FloatVector.fromArray(S, ds, dsOff + j, in).sub(dot)).mul(scale).intoArray(ds, dsOff + j, in);
        }
    }

    private static void store(FloatVector acc, float[] out, int o, boolean add) {
        // two plain stores rather than a vector chosen by a conditional, which C2 may box
        if (add) FloatVector.fromArray(S, out, o).add(acc).intoArray(out, o);
        else acc.intoArray(out, o);
    }
}
