package jgpt.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs blocks of op(A) and op(B) into the contiguous, zero-padded strip layouts the micro-kernels
 * stream: B as NR-wide column strips (for each k: NR consecutive values of one row of op(B)); A as MR-row
 * strips, either laid out row by row at a fixed stride ({@link #packARows}, for {@link GemmKernels}) or
 * interleaved, MR consecutive values of one column per k ({@link #packA}, the ragged strips of the in-place path).
 * Padding with zeros lets the micro-kernels always compute full MR x NR tiles.
 */
final class GemmPacking {
    private GemmPacking() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    /** Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into dst interleaved, strip s at dst[s*kc*mr]. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc,
                      float[] dst, int mr) {
        for (int s = 0, is = 0; is < mc; s++, is += mr) {
            int h = Math.min(mr, mc - is);
            int base = s * kc * mr;
            if (transA && h == 6 && mr == 6) {
                // op(A)[i, p] = a[p*lda + i]: six contiguous values per k, copied inline (an arraycopy call
                // per six floats cost more than the copy)
                for (int p = 0, d = base; p < kc; p++, d += 6) {
                    int src = aOff + (p0 + p) * lda + i0 + is;
                    dst[d] = a[src];
                    dst[d + 1] = a[src + 1];
                    dst[d + 2] = a[src + 2];
                    dst[d + 3] = a[src + 3];
                    dst[d + 4] = a[src + 4];
                    dst[d + 5] = a[src + 5];
                }
            } else if (transA) {
                // op(A)[i, p] = a[p*lda + i]: each k gives h contiguous values.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + is;
                    int d = base + p * mr;
                    System.arraycopy(a, src, dst, d, h);
                    if (h < mr) Arrays.fill(dst, d + h, d + mr, 0f);
                }
            } else if (h == 6 && mr == 6) {
                // six source rows read side by side so the strip is written sequentially
                int r0 = aOff + (i0 + is) * lda + p0, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
                for (int p = 0, d = base; p < kc; p++, d += 6) {
                    dst[d] = a[r0 + p];
                    dst[d + 1] = a[r1 + p];
                    dst[d + 2] = a[r2 + p];
                    dst[d + 3] = a[r3 + p];
                    dst[d + 4] = a[r4 + p];
                    dst[d + 5] = a[r5 + p];
                }
            } else {
                // op(A)[i, p] = a[i*lda + p]: interleave h rows.
                for (int ii = 0; ii < h; ii++) {
                    int src = aOff + (i0 + is + ii) * lda + p0;
                    int d = base + ii;
                    for (int p = 0; p < kc; p++) dst[d + p * mr] = a[src + p];
                }
                for (int ii = h; ii < mr; ii++) {
                    for (int p = 0; p < kc; p++) dst[base + ii + p * mr] = 0f;
                }
            }
        }
    }

    /**
     * Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] for {@link GemmKernels}: MR-row strips, strip s at dst[s*MR*rowStride],
     * its row r at + r*rowStride (rows past mc zero). Rows of an untransposed A copy straight; a transposed A is
     * moved in {@link Transpose} blocks with 16-wide vectors, else gathered when {@code rows} (VL offsets t * lda,
     * or null) is given.
     */
    static void packARows(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc,
                          float[] dst, int rowStride, int[] rows) {
        int mr = GemmKernels.MR;
        if (transA && Transpose.AVAILABLE) {
            // op(A)[i, p] = a[p*lda + i]: row i of the strips (at i * rowStride) is column i of a
            Transpose.region(a, aOff + p0 * lda + i0, lda, kc, mc, dst, 0, rowStride);
            for (int i = mc, padded = (mc + mr - 1) / mr * mr; i < padded; i++) Arrays.fill(dst, i * rowStride, i * rowStride + kc, 0f);
            return;
        }
        for (int s = 0, is = 0; is < mc; s++, is += mr) {
            int h = Math.min(mr, mc - is);
            int base = s * mr * rowStride;
            if (!transA) {
                for (int r = 0; r < h; r++) System.arraycopy(a, aOff + (i0 + is + r) * lda + p0, dst, base + r * rowStride, kc);
            } else if (h == mr) {
                // op(A)[i, p] = a[p*lda + i]: each k gives six contiguous values, one for each row; with rows[t] =
                // t * lda one gather reads VL consecutive k of a row
                int d0 = base, d1 = d0 + rowStride, d2 = d1 + rowStride, d3 = d2 + rowStride, d4 = d3 + rowStride, d5 = d4 + rowStride;
                int p = 0, src = aOff + p0 * lda + i0 + is;
                for (; rows != null && p + VL <= kc; p += VL, src += VL * lda) {
                    FloatVector.fromArray(S, a, src, rows, 0).intoArray(dst, d0 + p);
                    FloatVector.fromArray(S, a, src + 1, rows, 0).intoArray(dst, d1 + p);
                    FloatVector.fromArray(S, a, src + 2, rows, 0).intoArray(dst, d2 + p);
                    FloatVector.fromArray(S, a, src + 3, rows, 0).intoArray(dst, d3 + p);
                    FloatVector.fromArray(S, a, src + 4, rows, 0).intoArray(dst, d4 + p);
                    FloatVector.fromArray(S, a, src + 5, rows, 0).intoArray(dst, d5 + p);
                }
                for (; p < kc; p++, src += lda) {
                    dst[d0 + p] = a[src];
                    dst[d1 + p] = a[src + 1];
                    dst[d2 + p] = a[src + 2];
                    dst[d3 + p] = a[src + 3];
                    dst[d4 + p] = a[src + 4];
                    dst[d5 + p] = a[src + 5];
                }
            } else {
                for (int r = 0; r < h; r++) {
                    for (int p = 0, src = aOff + p0 * lda + i0 + is + r, d = base + r * rowStride; p < kc; p++, src += lda) dst[d + p] = a[src];
                }
            }
            for (int r = h; r < mr; r++) Arrays.fill(dst, base + r * rowStride, base + r * rowStride + kc, 0f);
        }
    }

    /**
     * Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into dst, strip s at dst[dstOff + s*kc*nr]. A transposed B is moved in
     * {@link Transpose} blocks with 16-wide vectors; otherwise {@code rows} (VL offsets t * ldb, or null) lets
     * whole groups of VL columns be gathered.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc,
                      float[] dst, int dstOff, int nr, int[] rows) {
        for (int s = 0, js = 0; js < nc; s++, js += nr) {
            int w = Math.min(nr, nc - js);
            int base = dstOff + s * kc * nr;
            if (!transB && w == nr && nr == 4 * VL) {
                // whole strips: four vector copies per k (an arraycopy call per 64 floats cost more than the copy)
                for (int p = 0, src = bOff + p0 * ldb + j0 + js, d = base; p < kc; p++, src += ldb, d += nr) {
                    FloatVector.fromArray(S, b, src).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + VL).intoArray(dst, d + VL);
                    FloatVector.fromArray(S, b, src + 2 * VL).intoArray(dst, d + 2 * VL);
                    FloatVector.fromArray(S, b, src + 3 * VL).intoArray(dst, d + 3 * VL);
                }
            } else if (!transB) {
                // op(B)[p, j] = b[p*ldb + j]: row segments copy straight.
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + j0 + js;
                    int d = base + p * nr;
                    System.arraycopy(b, src, dst, d, w);
                    if (w < nr) Arrays.fill(dst, d + w, d + nr, 0f);
                }
            } else {
                // op(B)[p, j] = b[j*ldb + p]: transpose, in register blocks where the vectors are 16 wide
                int jj = 0;
                if (Transpose.AVAILABLE) {
                    Transpose.region(b, bOff + (j0 + js) * ldb + p0, ldb, w, kc, dst, base, nr);
                    jj = w;
                }
                // otherwise whole groups of VL source rows: one gather per k (rows[t] = t * ldb) fills VL adjacent
                // values; then four source rows at a time, so each destination cache line gets four adjacent writes
                for (; rows != null && jj + VL <= w; jj += VL) {
                    int s0 = bOff + (j0 + js + jj) * ldb + p0;
                    for (int p = 0, d = base + jj; p < kc; p++, d += nr) FloatVector.fromArray(S, b, s0 + p, rows, 0).intoArray(dst, d);
                }
                for (; jj + 4 <= w; jj += 4) {
                    int s0 = bOff + (j0 + js + jj) * ldb + p0, s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb;
                    int d = base + jj;
                    for (int p = 0; p < kc; p++, d += nr) {
                        dst[d] = b[s0 + p];
                        dst[d + 1] = b[s1 + p];
                        dst[d + 2] = b[s2 + p];
                        dst[d + 3] = b[s3 + p];
                    }
                }
                for (; jj < w; jj++) {
                    int src = bOff + (j0 + js + jj) * ldb + p0;
                    int d = base + jj;
                    for (int p = 0; p < kc; p++) dst[d + p * nr] = b[src + p];
                }
                for (jj = w; jj < nr; jj++) {
                    for (int p = 0; p < kc; p++) dst[base + jj + p * nr] = 0f;
                }
            }
        }
    }
}
