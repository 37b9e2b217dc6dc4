package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemv} with int8 weights and one float scale per block of {@link #BLOCK} consecutive weights of a row
 * (the q8_0 idea: a block's scale tracks local magnitude, so an outlier only coarsens its own block); about a
 * quarter of the fp32 bytes. Four weights are packed per int (weight 4j+b in byte b), so one int-vector load
 * widens to four float vectors with shifts and an int-to-float convert (converting a byte vector directly was
 * measured several times slower). The input is split once per product into its four interleaved phases.
 */
public final class Int8Gemv {
    private Int8Gemv() {}

    /** Weights per scale: 16 packed ints, one 512-bit vector. */
    public static final int BLOCK = 64;
    private static final int BLOCK_INTS = BLOCK / 4;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Ints per packed row of k weights. */
    public static int ints(int k) { return (k + 3) / 4; }

    /** Scales per row of k weights. */
    public static int blocks(int k) { return (k + BLOCK - 1) / BLOCK; }

    /** Quantises src[sOff, +k) into q[qOff, +ints(k)) with absmax/127 scales in scales[scOff, +blocks(k)). */
    public static void quantizeRow(float[] src, int sOff, int k, int[] q, int qOff, float[] scales, int scOff) {
        java.util.Arrays.fill(q, qOff, qOff + ints(k), 0);
        for (int b = 0, p0 = 0; p0 < k; b++, p0 += BLOCK) {
            int p1 = Math.min(k, p0 + BLOCK);
            float max = 0f;
            for (int p = p0; p < p1; p++) max = Math.max(max, Math.abs(src[sOff + p]));
            float inv = max == 0f ? 0f : 127f / max;
            scales[scOff + b] = max / 127f;
            for (int p = p0; p < p1; p++) {
                int v = Math.round(src[sOff + p] * inv) & 0xFF;
                q[qOff + p / 4] |= v << (8 * (p % 4));
            }
        }
    }

    /** The quantised value (before scaling) of weight p of the packed row at q[qOff]. */
    public static int quant(int[] q, int qOff, int p) {
        return q[qOff + p / 4] << (24 - 8 * (p % 4)) >> 24;
    }

    /** xs[b*n + j] = x[xOff + 4j + b] for b < 4, n = ints(k), zero-padded. */
    public static void splitInput(float[] x, int xOff, int k, float[] xs) {
        int n = ints(k);
        for (int b = 0; b < 4; b++) {
            for (int j = 0; j < n; j++) xs[b * n + j] = 4 * j + b < k ? x[xOff + 4 * j + b] : 0f;
        }
    }

    /** y[yOff + r] = dequantised row r · x for r in [r0, r1); row r at q[qOff + r*ints(k)], s[sOff + r*blocks(k)]. */
    public static void rows(int[] q, int qOff, float[] s, int sOff, int k, float[] xs, float[] y, int yOff, int r0, int r1) {
        int n = ints(k), nb = blocks(k);
        for (int r = r0; r < r1; r++) y[yOff + r] = dot(q, qOff + r * n, s, sOff + r * nb, n, xs);
    }

    /** Plain-loop specification of {@link #rows}, on the unsplit input. */
    public static void rowsScalar(int[] q, int qOff, float[] s, int sOff, int k, float[] x, int xOff,
                                  float[] y, int yOff, int r0, int r1) {
        int n = ints(k), nb = blocks(k);
        for (int r = r0; r < r1; r++) {
            float sum = 0f;
            for (int p = 0; p < k; p++) sum += quant(q, qOff + r * n, p) * s[sOff + r * nb + p / BLOCK] * x[xOff + p];
            y[yOff + r] = sum;
        }
    }

    /** Byte b of each lane, sign-extended, as floats. */
    private static FloatVector lane(IntVector v, int b) {
        IntVector t = b == 3 ? v : v.lanewise(VectorOperators.LSHL, 24 - 8 * b);
        return (FloatVector) t.lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0);
    }

    private static float dot(int[] q, int qi, float[] s, int si, int n, float[] xs) {
        FloatVector acc = FloatVector.zero(S);
        int full = n / BLOCK_INTS, x1 = n, x2 = 2 * n, x3 = 3 * n;
        for (int b = 0; b < full; b++) {
            FloatVector t0 = FloatVector.zero(S), t1 = FloatVector.zero(S);
            for (int j = b * BLOCK_INTS; j < (b + 1) * BLOCK_INTS; j += L) {
                IntVector v = IntVector.fromArray(I, q, qi + j);
                t0 = lane(v, 0).fma(FloatVector.fromArray(S, xs, j), t0);
                t1 = lane(v, 1).fma(FloatVector.fromArray(S, xs, x1 + j), t1);
                t0 = lane(v, 2).fma(FloatVector.fromArray(S, xs, x2 + j), t0);
                t1 = lane(v, 3).fma(FloatVector.fromArray(S, xs, x3 + j), t1);
            }
            acc = t0.add(t1).fma(FloatVector.broadcast(S, s[si + b]), acc);
        }
        float d = VecMath.sum(acc);
        if (full * BLOCK_INTS < n) {
            float t = 0f;
            for (int j = full * BLOCK_INTS; j < n; j++) {
                int v = q[qi + j];
                t += (v << 24 >> 24) * xs[j] + (v << 16 >> 24) * xs[x1 + j] + (v << 8 >> 24) * xs[x2 + j] + (v >> 24) * xs[x3 + j];
            }
            d += t * s[si + full];
        }
        return d;
    }
}
