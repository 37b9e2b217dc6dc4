package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemv} with bfloat16 weights (the top 16 bits of a float, held in a short[]): half the bytes to
 * stream. Each vector of shorts is widened in registers (shift into the high half of an int, reinterpret
 * as float), so the arithmetic stays fp32.
 */
public final class Bf16Gemv {
    private Bf16Gemv() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Shorts with as many lanes as S. */
    private static final VectorSpecies<Short> H = VectorSpecies.of(short.class, VectorShape.forBitSize(S.vectorBitSize() / 2));

    /** Nearest bfloat16 (round half to even); NaN stays NaN. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    public static float toFloat(short h) {
        return Float.intBitsToFloat(h << 16);
    }

    /** y[yOff + r] = bf16 w[wOff + r*k, +k) · x[xOff, +k) for r in [r0, r1). */
    public static void rows(short[] w, int wOff, int k, float[] x, int xOff, float[] y, int yOff, int r0, int r1) {
        int r = r0;
        for (; r + 4 <= r1; r += 4) dot4(w, wOff + r * k, k, x, xOff, y, yOff + r);
        for (; r < r1; r++) y[yOff + r] = dot(w, wOff + r * k, x, xOff, k);
    }

    /** Plain-loop specification of {@link #rows}. */
    public static void rowsScalar(short[] w, int wOff, int k, float[] x, int xOff, float[] y, int yOff, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            float s = 0f;
            for (int p = 0; p < k; p++) s += toFloat(w[wOff + r * k + p]) * x[xOff + p];
            y[yOff + r] = s;
        }
    }

    private static FloatVector widen(short[] w, int i) {
        return ShortVector.fromArray(H, w, i).convertShape(VectorOperators.S2I, S.withLanes(int.class), 0)
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static void dot4(short[] w, int wi, int k, float[] x, int xi, float[] y, int yi) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        int w1 = wi + k, w2 = w1 + k, w3 = w2 + k;
        int p = 0, bound = S.loopBound(k);
        for (; p < bound; p += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xi + p);
            s0 = widen(w, wi + p).fma(xv, s0);
            s1 = widen(w, w1 + p).fma(xv, s1);
            s2 = widen(w, w2 + p).fma(xv, s2);
            s3 = widen(w, w3 + p).fma(xv, s3);
        }
        float d0 = s0.reduceLanes(VectorOperators.ADD), d1 = s1.reduceLanes(VectorOperators.ADD);
        float d2 = s2.reduceLanes(VectorOperators.ADD), d3 = s3.reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) {
            float xp = x[xi + p];
            d0 += toFloat(w[wi + p]) * xp; d1 += toFloat(w[w1 + p]) * xp;
            d2 += toFloat(w[w2 + p]) * xp; d3 += toFloat(w[w3 + p]) * xp;
        }
        y[yi] = d0; y[yi + 1] = d1; y[yi + 2] = d2; y[yi + 3] = d3;
    }

    private static float dot(short[] w, int wi, float[] x, int xi, int k) {
        FloatVector s = FloatVector.zero(S);
        int p = 0, bound = S.loopBound(k);
        for (; p < bound; p += L) s = widen(w, wi + p).fma(FloatVector.fromArray(S, x, xi + p), s);
        float d = s.reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) d += toFloat(w[wi + p]) * x[xi + p];
        return d;
    }
}
