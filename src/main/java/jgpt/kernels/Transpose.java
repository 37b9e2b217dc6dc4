package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 16 x 16 float block transposes in registers, for 512-bit vectors: sixteen row loads, four rounds of
 * two-source lane selects (each round swaps the off-diagonal half blocks of every pair of rows b apart, b = 8, 4,
 * 2, 1), sixteen stores. One gather per output vector did the same work 4.5-5x slower here (a 128 x 384 panel:
 * 57-60 us gathered, 11-13 us transposed). Callers check {@link #AVAILABLE} and keep a fallback for other widths.
 */
final class Transpose {
    private Transpose() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int N = 16;
    static final boolean AVAILABLE = S.length() == N;

    // Round k (b = 8 >> k) of the block swap: for rows i and i + b, LOW picks lanes l of row i where (l & b) == 0
    // and lanes l - b of row i + b elsewhere; HIGH picks lanes l + b of row i and lanes l of row i + b. Indices
    // 16 and up select from the second vector.
    private static final FloatVector[] LOW = new FloatVector[4], HIGH = new FloatVector[4];

    static {
        if (AVAILABLE) {
            for (int k = 0, b = N / 2; k < 4; k++, b /= 2) {
                float[] low = new float[N], high = new float[N];
                for (int l = 0; l < N; l++) {
                    low[l] = (l & b) == 0 ? l : N + l - b;
                    high[l] = (l & b) == 0 ? l + b : N + l;
                }
                LOW[k] = FloatVector.fromArray(S, low, 0);
                HIGH[k] = FloatVector.fromArray(S, high, 0);
            }
        }
    }

    /**
     * dst[dOff + c * dstStride + r] = src[sOff + r * srcStride + c] for r < rows, c < cols: whole 16 x 16 blocks
     * in registers, the edges one value at a time.
     */
    static void region(float[] src, int sOff, int srcStride, int rows, int cols, float[] dst, int dOff, int dstStride) {
        int wholeRows = rows - rows % N, wholeCols = cols - cols % N;
        for (int r = 0; r < wholeRows; r += N) {
            for (int c = 0; c < wholeCols; c += N) block(src, sOff + r * srcStride + c, srcStride, dst, dOff + c * dstStride + r, dstStride);
        }
        for (int r = 0; r < rows; r++) {
            for (int c = r < wholeRows ? wholeCols : 0; c < cols; c++) dst[dOff + c * dstStride + r] = src[sOff + r * srcStride + c];
        }
    }

    /** dst[dOff + i * dstStride + q] = src[sOff + q * srcStride + i] for i, q < 16. */
    static void block(float[] src, int sOff, int srcStride, float[] dst, int dOff, int dstStride) {
        FloatVector r0 = FloatVector.fromArray(S, src, sOff), r1 = FloatVector.fromArray(S, src, sOff + srcStride);
        FloatVector r2 = FloatVector.fromArray(S, src, sOff + 2 * srcStride), r3 = FloatVector.fromArray(S, src, sOff + 3 * srcStride);
        FloatVector r4 = FloatVector.fromArray(S, src, sOff + 4 * srcStride), r5 = FloatVector.fromArray(S, src, sOff + 5 * srcStride);
        FloatVector r6 = FloatVector.fromArray(S, src, sOff + 6 * srcStride), r7 = FloatVector.fromArray(S, src, sOff + 7 * srcStride);
        FloatVector r8 = FloatVector.fromArray(S, src, sOff + 8 * srcStride), r9 = FloatVector.fromArray(S, src, sOff + 9 * srcStride);
        FloatVector r10 = FloatVector.fromArray(S, src, sOff + 10 * srcStride), r11 = FloatVector.fromArray(S, src, sOff + 11 * srcStride);
        FloatVector r12 = FloatVector.fromArray(S, src, sOff + 12 * srcStride), r13 = FloatVector.fromArray(S, src, sOff + 13 * srcStride);
        FloatVector r14 = FloatVector.fromArray(S, src, sOff + 14 * srcStride), r15 = FloatVector.fromArray(S, src, sOff + 15 * srcStride);
        FloatVector t, lo = LOW[0], hi = HIGH[0];
        t = lo.selectFrom(r0, r8); r8 = hi.selectFrom(r0, r8); r0 = t;
        t = lo.selectFrom(r1, r9); r9 = hi.selectFrom(r1, r9); r1 = t;
        t = lo.selectFrom(r2, r10); r10 = hi.selectFrom(r2, r10); r2 = t;
        t = lo.selectFrom(r3, r11); r11 = hi.selectFrom(r3, r11); r3 = t;
        t = lo.selectFrom(r4, r12); r12 = hi.selectFrom(r4, r12); r4 = t;
        t = lo.selectFrom(r5, r13); r13 = hi.selectFrom(r5, r13); r5 = t;
        t = lo.selectFrom(r6, r14); r14 = hi.selectFrom(r6, r14); r6 = t;
        t = lo.selectFrom(r7, r15); r15 = hi.selectFrom(r7, r15); r7 = t;
        lo = LOW[1]; hi = HIGH[1];
        t = lo.selectFrom(r0, r4); r4 = hi.selectFrom(r0, r4); r0 = t;
        t = lo.selectFrom(r1, r5); r5 = hi.selectFrom(r1, r5); r1 = t;
        t = lo.selectFrom(r2, r6); r6 = hi.selectFrom(r2, r6); r2 = t;
        t = lo.selectFrom(r3, r7); r7 = hi.selectFrom(r3, r7); r3 = t;
        t = lo.selectFrom(r8, r12); r12 = hi.selectFrom(r8, r12); r8 = t;
        t = lo.selectFrom(r9, r13); r13 = hi.selectFrom(r9, r13); r9 = t;
        t = lo.selectFrom(r10, r14); r14 = hi.selectFrom(r10, r14); r10 = t;
        t = lo.selectFrom(r11, r15); r15 = hi.selectFrom(r11, r15); r11 = t;
        lo = LOW[2]; hi = HIGH[2];
        t = lo.selectFrom(r0, r2); r2 = hi.selectFrom(r0, r2); r0 = t;
        t = lo.selectFrom(r1, r3); r3 = hi.selectFrom(r1, r3); r1 = t;
        t = lo.selectFrom(r4, r6); r6 = hi.selectFrom(r4, r6); r4 = t;
        t = lo.selectFrom(r5, r7); r7 = hi.selectFrom(r5, r7); r5 = t;
        t = lo.selectFrom(r8, r10); r10 = hi.selectFrom(r8, r10); r8 = t;
        t = lo.selectFrom(r9, r11); r11 = hi.selectFrom(r9, r11); r9 = t;
        t = lo.selectFrom(r12, r14); r14 = hi.selectFrom(r12, r14); r12 = t;
        t = lo.selectFrom(r13, r15); r15 = hi.selectFrom(r13, r15); r13 = t;
        lo = LOW[3]; hi = HIGH[3];
        t = lo.selectFrom(r0, r1); r1 = hi.selectFrom(r0, r1); r0 = t;
        t = lo.selectFrom(r2, r3); r3 = hi.selectFrom(r2, r3); r2 = t;
        t = lo.selectFrom(r4, r5); r5 = hi.selectFrom(r4, r5); r4 = t;
        t = lo.selectFrom(r6, r7); r7 = hi.selectFrom(r6, r7); r6 = t;
        t = lo.selectFrom(r8, r9); r9 = hi.selectFrom(r8, r9); r8 = t;
        t = lo.selectFrom(r10, r11); r11 = hi.selectFrom(r10, r11); r10 = t;
        t = lo.selectFrom(r12, r13); r13 = hi.selectFrom(r12, r13); r12 = t;
        t = lo.selectFrom(r14, r15); r15 = hi.selectFrom(r14, r15); r14 = t;
        r0.intoArray(dst, dOff); r1.intoArray(dst, dOff + dstStride);
        r2.intoArray(dst, dOff + 2 * dstStride); r3.intoArray(dst, dOff + 3 * dstStride);
        r4.intoArray(dst, dOff + 4 * dstStride); r5.intoArray(dst, dOff + 5 * dstStride);
        r6.intoArray(dst, dOff + 6 * dstStride); r7.intoArray(dst, dOff + 7 * dstStride);
        r8.intoArray(dst, dOff + 8 * dstStride); r9.intoArray(dst, dOff + 9 * dstStride);
        r10.intoArray(dst, dOff + 10 * dstStride); r11.intoArray(dst, dOff + 11 * dstStride);
        r12.intoArray(dst, dOff + 12 * dstStride); r13.intoArray(dst, dOff + 13 * dstStride);
        r14.intoArray(dst, dOff + 14 * dstStride); r15.intoArray(dst, dOff + 15 * dstStride);
    }
}
