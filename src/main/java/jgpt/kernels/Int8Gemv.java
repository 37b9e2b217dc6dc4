package jgpt.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemv} with int8 weights and one float scale per block of {@link #BLOCK} consecutive weights of a row
 * (the q8_0 idea: a block's scale tracks local magnitude, so one outlier only coarsens its own block).
 * Weights are a byte[] [rows, k]; scales a float[] [rows, blocks(k)]. A quarter of the fp32 bytes to stream.
 */
public final class Int8Gemv {
    private Int8Gemv() {}

    public static final int BLOCK = 32;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Bytes with as many lanes as S. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.vectorBitSize() / 4));

    public static int blocks(int k) { return (k + BLOCK - 1) / BLOCK; }

    /** Quantises src[sOff, +k) to q[qOff, +k) with absmax/127 scales in scales[scOff, +blocks(k)). */
    public static void quantizeRow(float[] src, int sOff, int k, byte[] q, int qOff, float[] scales, int scOff) {
        for (int b = 0, p0 = 0; p0 < k; b++, p0 += BLOCK) {
            int p1 = Math.min(k, p0 + BLOCK);
            float max = 0f;
            for (int p = p0; p < p1; p++) max = Math.max(max, Math.abs(src[sOff + p]));
            float scale = max / 127f, inv = max == 0f ? 0f : 127f / max;
            scales[scOff + b] = scale;
            for (int p = p0; p < p1; p++) q[qOff + p] = (byte) Math.round(src[sOff + p] * inv);
        }
    }

    /** y[yOff + r] = dequantised row r · x[xOff, +k) for r in [r0, r1); row r at q[qOff + r*k], s[sOff + r*blocks(k)]. */
    public static void rows(byte[] q, int qOff, float[] s, int sOff, int k, float[] x, int xOff,
                            float[] y, int yOff, int r0, int r1) {
        int nb = blocks(k), r = r0;
        for (; r + 4 <= r1; r += 4) dot4(q, qOff + r * k, s, sOff + r * nb, k, x, xOff, y, yOff + r);
        for (; r < r1; r++) y[yOff + r] = dot(q, qOff + r * k, s, sOff + r * nb, k, x, xOff);
    }

    /** Plain-loop specification of {@link #rows}. */
    public static void rowsScalar(byte[] q, int qOff, float[] s, int sOff, int k, float[] x, int xOff,
                                  float[] y, int yOff, int r0, int r1) {
        int nb = blocks(k);
        for (int r = r0; r < r1; r++) {
            float sum = 0f;
            for (int p = 0; p < k; p++) sum += q[qOff + r * k + p] * s[sOff + r * nb + p / BLOCK] * x[xOff + p];
            y[yOff + r] = sum;
        }
    }

    private static FloatVector widen(byte[] q, int i) {
        return (FloatVector) ByteVector.fromArray(B, q, i).convertShape(VectorOperators.B2F, S, 0);
    }

    private static void dot4(byte[] q, int qi, float[] s, int si, int k, float[] x, int xi, float[] y, int yi) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int nb = blocks(k), q1 = qi + k, q2 = q1 + k, q3 = q2 + k;
        int full = k / BLOCK;
        for (int b = 0; b < full; b++) {
            int p0 = b * BLOCK;
            FloatVector t0 = FloatVector.zero(S), t1 = FloatVector.zero(S);
            FloatVector t2 = FloatVector.zero(S), t3 = FloatVector.zero(S);
            for (int j = 0; j < BLOCK; j += L) {
                int p = p0 + j;
                FloatVector xv = FloatVector.fromArray(S, x, xi + p);
                t0 = widen(q, qi + p).fma(xv, t0);
                t1 = widen(q, q1 + p).fma(xv, t1);
                t2 = widen(q, q2 + p).fma(xv, t2);
                t3 = widen(q, q3 + p).fma(xv, t3);
            }
            a0 = t0.fma(FloatVector.broadcast(S, s[si + b]), a0);
            a1 = t1.fma(FloatVector.broadcast(S, s[si + nb + b]), a1);
            a2 = t2.fma(FloatVector.broadcast(S, s[si + 2 * nb + b]), a2);
            a3 = t3.fma(FloatVector.broadcast(S, s[si + 3 * nb + b]), a3);
        }
        float d0 = a0.reduceLanes(VectorOperators.ADD), d1 = a1.reduceLanes(VectorOperators.ADD);
        float d2 = a2.reduceLanes(VectorOperators.ADD), d3 = a3.reduceLanes(VectorOperators.ADD);
        if (full < nb) {
            d0 += tail(q, qi, s[si + full], k, x, xi, full * BLOCK);
            d1 += tail(q, q1, s[si + nb + full], k, x, xi, full * BLOCK);
            d2 += tail(q, q2, s[si + 2 * nb + full], k, x, xi, full * BLOCK);
            d3 += tail(q, q3, s[si + 3 * nb + full], k, x, xi, full * BLOCK);
        }
        y[yi] = d0; y[yi + 1] = d1; y[yi + 2] = d2; y[yi + 3] = d3;
    }

    private static float dot(byte[] q, int qi, float[] s, int si, int k, float[] x, int xi) {
        FloatVector a = FloatVector.zero(S);
        int full = k / BLOCK;
        for (int b = 0; b < full; b++) {
            FloatVector t = FloatVector.zero(S);
            for (int j = 0; j < BLOCK; j += L) {
                int p = b * BLOCK + j;
                t = widen(q, qi + p).fma(FloatVector.fromArray(S, x, xi + p), t);
            }
            a = t.fma(FloatVector.broadcast(S, s[si + b]), a);
        }
        float d = a.reduceLanes(VectorOperators.ADD);
        if (full < blocks(k)) d += tail(q, qi, s[si + full], k, x, xi, full * BLOCK);
        return d;
    }

    /** The last, partial block. */
    private static float tail(byte[] q, int qi, float scale, int k, float[] x, int xi, int p0) {
        float t = 0f;
        for (int p = p0; p < k; p++) t += q[qi + p] * x[xi + p];
        return t * scale;
    }
}
