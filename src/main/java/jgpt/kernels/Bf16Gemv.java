package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemv} with bfloat16 weights (the top 16 bits of a float): half the bytes to stream. Two weights are
 * packed per int (weight 2j in the low half, 2j+1 in the high half), so one int-vector load widens to two
 * float vectors with a shift and a mask, both cheap in registers (a short-to-int conversion was measured ~20x
 * slower). The input is split once per product into its even and odd elements to match.
 */
public final class Bf16Gemv {
    private Bf16Gemv() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Ints per packed row of k weights. */
    public static int ints(int k) { return (k + 1) / 2; }

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

    /** Packs src[sOff, +k) as bf16 pairs into dst[dOff, +ints(k)); an odd k is padded with a zero weight. */
    public static void pack(float[] src, int sOff, int k, int[] dst, int dOff) {
        for (int j = 0; j < ints(k); j++) {
            int lo = fromFloat(src[sOff + 2 * j]) & 0xFFFF;
            int hi = 2 * j + 1 < k ? fromFloat(src[sOff + 2 * j + 1]) & 0xFFFF : 0;
            dst[dOff + j] = hi << 16 | lo;
        }
    }

    /** Weight p of the packed row at w[wOff]. */
    public static float weight(int[] w, int wOff, int p) {
        int v = w[wOff + p / 2];
        return Float.intBitsToFloat(p % 2 == 0 ? v << 16 : v & 0xFFFF0000);
    }

    /** xs[0, n) = even elements of x[xOff, +k), xs[n, 2n) = odd ones (n = ints(k), zero-padded). */
    public static void splitInput(float[] x, int xOff, int k, float[] xs) {
        splitInput(x, xOff, k, xs, 0);
    }

    /** As above into xs[xsOff, +2*ints(k)). */
    public static void splitInput(float[] x, int xOff, int k, float[] xs, int xsOff) {
        int n = ints(k);
        for (int j = 0; j < n; j++) {
            xs[xsOff + j] = x[xOff + 2 * j];
            xs[xsOff + n + j] = 2 * j + 1 < k ? x[xOff + 2 * j + 1] : 0f;
        }
    }

    /** y[yOff + r] = packed row r (at w[wOff + r*ints(k)]) · x for r in [r0, r1); xs from {@link #splitInput}. */
    public static void rows(int[] w, int wOff, int k, float[] xs, float[] y, int yOff, int r0, int r1) {
        rows(w, wOff, k, xs, 0, y, yOff, r0, r1);
    }

    /** As above with the split input at xs[xsOff, +2*ints(k)) (one of several inputs of a batch). */
    public static void rows(int[] w, int wOff, int k, float[] xs, int xsOff, float[] y, int yOff, int r0, int r1) {
        int n = ints(k);
        // Rows r and r + half together: two streams from memory far apart keep more cache misses in flight.
        int half = n % L == 0 ? (r1 - r0) / 2 : 0;
        for (int r = r0; r < r0 + half; r++) pair(w, wOff + r * n, half * n, n, xs, xsOff, y, yOff + r, half);
        for (int r = r0 + 2 * half; r < r1; r++) y[yOff + r] = dot(w, wOff + r * n, n, xs, xsOff);
    }

    /** y[yi] and y[yi + yFar] for the packed rows at w[wi] and w[wi + wFar]; n a multiple of L. */
    private static void pair(int[] w, int wi, int wFar, int n, float[] xs, int xo, float[] y, int yi, int yFar) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        FloatVector u0 = FloatVector.zero(S), u1 = FloatVector.zero(S);
        int wj = wi + wFar;
        for (int j = 0; j < n; j += L) {
            FloatVector even = FloatVector.fromArray(S, xs, xo + j), odd = FloatVector.fromArray(S, xs, xo + n + j);
            IntVector v = IntVector.fromArray(I, w, wi + j), u = IntVector.fromArray(I, w, wj + j);
            s0 = low(v).fma(even, s0);
            u0 = low(u).fma(even, u0);
            s1 = high(v).fma(odd, s1);
            u1 = high(u).fma(odd, u1);
        }
        y[yi] = VecMath.sum(VecMath.typed(s0).add(s1));
        y[yi + yFar] = VecMath.sum(VecMath.typed(u0).add(u1));
    }

    /** Plain-loop specification of {@link #rows}, on the unsplit input. */
    public static void rowsScalar(int[] w, int wOff, int k, float[] x, int xOff, float[] y, int yOff, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            float s = 0f;
            for (int p = 0; p < k; p++) s += weight(w, wOff + r * ints(k), p) * x[xOff + p];
            y[yOff + r] = s;
        }
    }

    private static FloatVector low(IntVector v) {
        return (FloatVector) v.lanewise(VectorOperators.LSHL, 16).reinterpretShape(S, 0); // constant species: see VecMath.exp
    }

    private static FloatVector high(IntVector v) {
        return (FloatVector) v.and(0xFFFF0000).reinterpretShape(S, 0);
    }

    /** One row with the same arithmetic as {@link #pair}, so a row's value does not depend on how rows are split. */
    private static float dot(int[] w, int wi, int n, float[] xs, int xo) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int j = 0;
        for (; j + L <= n; j += L) {
            IntVector v = IntVector.fromArray(I, w, wi + j);
            s0 = low(v).fma(FloatVector.fromArray(S, xs, xo + j), s0);
            s1 = high(v).fma(FloatVector.fromArray(S, xs, xo + n + j), s1);
        }
        float d = VecMath.sum(VecMath.typed(s0).add(s1));
        for (; j < n; j++) {
            int v = w[wi + j];
            d += Float.intBitsToFloat(v << 16) * xs[xo + j] + Float.intBitsToFloat(v & 0xFFFF0000) * xs[xo + n + j];
        }
        return d;
    }
}
