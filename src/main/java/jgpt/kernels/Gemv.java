package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Matrix-vector product for batch-1 decoding with fp32 weights stored [rows, k] (each output's weights
 * contiguous): y[r] = W[r] · x for a range of rows, so threads split the rows and each streams its slice of
 * the matrix exactly once.
 */
public final class Gemv {
    private Gemv() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** y[yOff + r] = w[wOff + r*k, +k) · x[xOff, +k) for r in [r0, r1). */
    public static void rows(float[] w, int wOff, int k, float[] x, int xOff, float[] y, int yOff, int r0, int r1) {
        // Rows r and r + half together: two streams from memory far apart keep more cache misses in flight.
        int half = k % (2 * L) == 0 ? (r1 - r0) / 2 : 0;
        for (int r = r0; r < r0 + half; r++) pair(w, wOff + r * k, half * k, x, xOff, k, y, yOff + r, half);
        for (int r = r0 + 2 * half; r < r1; r++) y[yOff + r] = dot(w, wOff + r * k, x, xOff, k);
    }

    /** y[yi] and y[yi + yFar] for the rows at w[wi] and w[wi + wFar]; k a multiple of 2L. */
    private static void pair(float[] w, int wi, int wFar, float[] x, int xi, int k, float[] y, int yi, int yFar) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        FloatVector u0 = FloatVector.zero(S), u1 = FloatVector.zero(S);
        int wj = wi + wFar;
        for (int p = 0; p < k; p += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(S, x, xi + p), x1 = FloatVector.fromArray(S, x, xi + p + L);
            s0 = FloatVector.fromArray(S, w, wi + p).fma(x0, s0);
            u0 = FloatVector.fromArray(S, w, wj + p).fma(x0, u0);
            s1 = FloatVector.fromArray(S, w, wi + p + L).fma(x1, s1);
            u1 = FloatVector.fromArray(S, w, wj + p + L).fma(x1, u1);
        }
        y[yi] = VecMath.sum(VecMath.typed(s0).add(s1));
        y[yi + yFar] = VecMath.sum(VecMath.typed(u0).add(u1));
    }

    /** Plain-loop specification of {@link #rows}. */
    public static void rowsScalar(float[] w, int wOff, int k, float[] x, int xOff, float[] y, int yOff, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            float s = 0f;
            for (int p = 0; p < k; p++) s += w[wOff + r * k + p] * x[xOff + p];
            y[yOff + r] = s;
        }
    }

    /** One row with the same arithmetic as {@link #pair}, so a row's value does not depend on how rows are split. */
    private static float dot(float[] w, int wi, float[] x, int xi, int k) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int p = 0;
        for (; p + 2 * L <= k; p += 2 * L) {
            s0 = FloatVector.fromArray(S, w, wi + p).fma(FloatVector.fromArray(S, x, xi + p), s0);
            s1 = FloatVector.fromArray(S, w, wi + p + L).fma(FloatVector.fromArray(S, x, xi + p + L), s1);
        }
        for (; p + L <= k; p += L) s0 = FloatVector.fromArray(S, w, wi + p).fma(FloatVector.fromArray(S, x, xi + p), s0);
        float d = VecMath.sum(VecMath.typed(s0).add(s1));
        for (; p < k; p++) d += w[wi + p] * x[xi + p];
        return d;
    }
}
