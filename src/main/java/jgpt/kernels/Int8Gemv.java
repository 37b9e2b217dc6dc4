package jgpt.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemv} with int8 weights and one float scale per block of {@link #BLOCK} consecutive weights of a row
 * (the q8_0 idea: a block's scale tracks local magnitude, so an outlier only coarsens its own block); about a
 * quarter of the fp32 bytes. Weights are plain bytes in row order: a byte vector with as many lanes as a float
 * vector (128 bits for 512-bit floats) widens to floats in one conversion (sign-extend, then int to float),
 * cheaper than the shifts needed to pull four bytes out of packed ints. Each block's dot product is
 * accumulated unscaled and the scale applied once, with one fma per block.
 */
public final class Int8Gemv {
    private Int8Gemv() {}

    /** Weights per scale. */
    public static final int BLOCK = 64;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane-for-lane with S; the smallest byte vector is 64 bits, so 128-bit floats get the plain loop. */
    private static final boolean VECTOR = L >= 8 && BLOCK % (2 * L) == 0;
    private static final VectorSpecies<Byte> B = VECTOR ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * Byte.SIZE)) : null;

    /** Scales per row of k weights. */
    public static int blocks(int k) { return (k + BLOCK - 1) / BLOCK; }

    /** Quantises src[sOff, +k) into q[qOff, +k) with absmax/127 scales in scales[scOff, +blocks(k)). */
    public static void quantizeRow(float[] src, int sOff, int k, byte[] q, int qOff, float[] scales, int scOff) {
        for (int b = 0, p0 = 0; p0 < k; b++, p0 += BLOCK) {
            int p1 = Math.min(k, p0 + BLOCK);
            float max = 0f;
            for (int p = p0; p < p1; p++) max = Math.max(max, Math.abs(src[sOff + p]));
            float inv = max == 0f ? 0f : 127f / max;
            scales[scOff + b] = max / 127f;
            for (int p = p0; p < p1; p++) q[qOff + p] = (byte) Math.round(src[sOff + p] * inv);
        }
    }

    /** y[yOff + r] = dequantised row r · x[xOff, +k) for r in [r0, r1); row r at q[qOff + r*k], s[sOff + r*blocks(k)]. */
    public static void rows(byte[] q, int qOff, float[] s, int sOff, int k, float[] x, int xOff, float[] y, int yOff, int r0, int r1) {
        int nb = blocks(k);
        if (!VECTOR) {
            rowsScalar(q, qOff, s, sOff, k, x, xOff, y, yOff, r0, r1);
            return;
        }
        // Rows r and r + half together: two streams from memory far apart keep more cache misses in flight than
        // one (a single core reads 10.4 instead of 7.6 GB/s of int8 weights from DRAM this way).
        int half = k % BLOCK == 0 ? (r1 - r0) / 2 : 0;
        for (int r = r0; r < r0 + half; r++) {
            pair(q, qOff + r * k, half * k, s, sOff + r * nb, half * nb, x, xOff, k, y, yOff + r, half);
        }
        for (int r = r0 + 2 * half; r < r1; r++) y[yOff + r] = dot(q, qOff + r * k, s, sOff + r * nb, x, xOff, k);
    }

    /** y[yi] and y[yi + yFar] for the rows at q[qi] and q[qi + qFar] (scales at s[si], s[si + sFar]); k a multiple of BLOCK. */
    private static void pair(byte[] q, int qi, int qFar, float[] s, int si, int sFar, float[] x, int xi, int k,
                             float[] y, int yi, int yFar) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int qj = qi + qFar, sj = si + sFar;
        for (int b = 0, p = 0; p < k; b++, p += BLOCK) {
            FloatVector x0 = FloatVector.fromArray(S, x, xi + p), x1 = FloatVector.fromArray(S, x, xi + p + L);
            FloatVector t0 = weights(q, qi + p).mul(x0), u0 = weights(q, qj + p).mul(x0);
            FloatVector t1 = weights(q, qi + p + L).mul(x1), u1 = weights(q, qj + p + L).mul(x1);
            for (int j = 2 * L; j < BLOCK; j += 2 * L) {
                FloatVector xa = FloatVector.fromArray(S, x, xi + p + j), xb = FloatVector.fromArray(S, x, xi + p + j + L);
                t0 = weights(q, qi + p + j).fma(xa, t0); u0 = weights(q, qj + p + j).fma(xa, u0);
                t1 = weights(q, qi + p + j + L).fma(xb, t1); u1 = weights(q, qj + p + j + L).fma(xb, u1);
            }
            acc0 = t0.add(t1).fma(FloatVector.broadcast(S, s[si + b]), acc0);
            acc1 = u0.add(u1).fma(FloatVector.broadcast(S, s[sj + b]), acc1);
        }
        y[yi] = VecMath.sum(acc0);
        y[yi + yFar] = VecMath.sum(acc1);
    }

    /** Plain-loop specification of {@link #rows}: each block's unscaled dot product times its scale. */
    public static void rowsScalar(byte[] q, int qOff, float[] s, int sOff, int k, float[] x, int xOff,
                                  float[] y, int yOff, int r0, int r1) {
        int nb = blocks(k);
        for (int r = r0; r < r1; r++) {
            float sum = 0f;
            for (int b = 0, p0 = 0; p0 < k; b++, p0 += BLOCK) {
                float t = 0f;
                for (int p = p0; p < Math.min(k, p0 + BLOCK); p++) t += q[qOff + r * k + p] * x[xOff + p];
                sum += t * s[sOff + r * nb + b];
            }
            y[yOff + r] = sum;
        }
    }

    /** L int8 weights at q[i], as floats. */
    private static FloatVector weights(byte[] q, int i) {
        return (FloatVector) ByteVector.fromArray(B, q, i).convertShape(VectorOperators.B2F, S, 0);
    }

    /** Two chains per block so the fmas overlap; one scale fma per block. */
    private static float dot(byte[] q, int qi, float[] s, int si, float[] x, int xi, int k) {
        FloatVector acc = FloatVector.zero(S);
        int full = k / BLOCK;
        for (int b = 0; b < full; b++) {
            int p = b * BLOCK;
            FloatVector t0 = weights(q, qi + p).mul(FloatVector.fromArray(S, x, xi + p));
            FloatVector t1 = weights(q, qi + p + L).mul(FloatVector.fromArray(S, x, xi + p + L));
            for (int j = 2 * L; j < BLOCK; j += 2 * L) {
                t0 = weights(q, qi + p + j).fma(FloatVector.fromArray(S, x, xi + p + j), t0);
                t1 = weights(q, qi + p + j + L).fma(FloatVector.fromArray(S, x, xi + p + j + L), t1);
            }
            acc = t0.add(t1).fma(FloatVector.broadcast(S, s[si + b]), acc);
        }
        float d = VecMath.sum(acc);
        int p = full * BLOCK;
        if (p < k) {
            float t = 0f;
            if (p + L <= k) {
                FloatVector tv = FloatVector.zero(S);
                for (; p + L <= k; p += L) tv = weights(q, qi + p).fma(FloatVector.fromArray(S, x, xi + p), tv);
                t = VecMath.sum(tv);
            }
            for (; p < k; p++) t += q[qi + p] * x[xi + p];
            d += t * s[si + full];
        }
        return d;
    }
}
