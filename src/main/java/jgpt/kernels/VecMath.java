package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Deterministic vector math. The Vector API's own {@code reduceLanes(ADD)}, {@code EXP} and {@code TANH} may give
 * different bits once C2 compiles them (tree order, SVML) than while interpreted, so a training run would depend
 * on JIT timing and a resumed run would not repeat an uninterrupted one. These use only IEEE add, mul, fma and
 * lane moves, whose results never depend on compilation; each has a scalar twin computing the same bits, used
 * for loop tails.
 */
public final class VecMath {
    private VecMath() {}

    private static final VectorSpecies<Float> S = Vec.S;
    private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    private static final VectorShuffle<Float>[] FOLDS = folds();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(S.length());
        VectorShuffle<Float>[] f = new VectorShuffle[steps];
        for (int s = 0, half = S.length() / 2; s < steps; s++, half /= 2) f[s] = VectorShuffle.iota(S, half, 1, true);
        return f;
    }

    /**
     * Sum of the lanes, always in the same pairwise order. Written without a loop for up to 16 lanes: a vector
     * carried around a loop is only typed as FloatVector when C2 parses it, and without a clean type profile its
     * calls stay virtual and every step boxes (see {@link Vec}).
     */
    public static float sum(FloatVector v) {
        v = typed(v); // callers pass accumulators carried out of loops
        int steps = FOLDS.length;
        if (steps > 4) {
            for (int s = 0; s < steps - 4; s++) v = v.add(v.rearrange(FOLDS[s]));
        }
        if (steps >= 4) v = v.add(v.rearrange(FOLDS[steps - 4]));
        if (steps >= 3) v = v.add(v.rearrange(FOLDS[steps - 3]));
        if (steps >= 2) v = v.add(v.rearrange(FOLDS[steps - 2]));
        if (steps >= 1) v = v.add(v.rearrange(FOLDS[steps - 1]));
        return v.lane(0);
    }

    private static final FloatVector NEGATIVE_ZERO = FloatVector.broadcast(S, -0f);

    /**
     * v itself (-0 + x is x for every x, -0 included), as a vector C2 knows the exact type of. For a vector
     * carried out of a loop before it is stored or combined: called on directly, it stays virtual whenever that
     * path had no clean type profile when C2 compiled it, and then it is boxed in every iteration (seen in decode:
     * the cached attention's loops over more positions than the first tokens had, 0.8 MB per token at 512 tokens).
     * Here in VecMath because `./gpt` forces VecMath's methods inline: a small vector helper compiles on its own to
     * a "medium" method that C2 will not inline at a cold call site.
     */
    public static FloatVector typed(FloatVector v) {
        return NEGATIVE_ZERO.add(v);
    }

    // exp(x) = 2^n * e^r with n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two for accuracy),
    // e^r from a degree-6 polynomial on |r| <= ln(2)/2 (Cephes expf coefficients): about 1 ulp.
    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    private static final float MAX_X = 88.0f, MIN_X = -87.3365478515625f;

    /**
     * Clamped by compare and blend ({@link #clamp}): FloatVector.max/min honour NaN and -0.0 with six instructions
     * each on x86 (exp 7.8 -> 6.3 ns per vector on one core, softmax of one `baby` attention pair 2.0 -> 1.35 us).
     * Reading 2^n off t's bits (t = n + ROUND) instead of converting n to an int saved ~0.5 ns more; it was dropped
     * after JFR caught that reinterpretation unintrinsified, allocating, inside the attention softmax in one run
     * (a runtime-derived species, as explained below; not retried with a constant one).
     */
    public static FloatVector exp(FloatVector x) {
        x = clamp(x, MIN_X, MAX_X);
        FloatVector t = x.mul(LOG2E).add(ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, P3));
        p = p.fma(r, FloatVector.broadcast(S, P4));
        p = p.fma(r, FloatVector.broadcast(S, P5));
        FloatVector r2 = r.mul(r);
        FloatVector e = p.fma(r2, r.add(1f));
        // Conversions name their target species (a constant): convert(F2I) and reinterpretAsInts/Floats derive it
        // at run time, and when C2 could not fold it the JDK's convert0 read it from a shared, polluted type
        // profile, left the conversion unintrinsified and boxed every vector (3.8 MB per `baby` step in ~5% of
        // runs; caught by JFR attached to such a run: IntVector.reinterpretAsInts -> AbstractVector.convert0).
        IntVector bits = ((IntVector) n.convertShape(VectorOperators.F2I, IS, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return e.mul((FloatVector) bits.reinterpretShape(S, 0));
    }

    /** The scalar twin of {@link #exp(FloatVector)}: the same operations, so the same bits. */
    public static float exp(float x) {
        x = clamp(x, MIN_X, MAX_X);
        float t = x * LOG2E + ROUND;
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float r2 = r * r;
        float e = Math.fma(p, r2, r + 1f);
        return e * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /**
     * x limited to [lo, hi] by compare and blend (two instructions per bound); NaN stays NaN. Equal to
     * Math.min(Math.max(x, lo), hi) for every x when lo and hi are non-zero.
     */
    public static FloatVector clamp(FloatVector x, float lo, float hi) {
        x = x.blend(lo, x.compare(VectorOperators.LT, lo));
        return x.blend(hi, x.compare(VectorOperators.GT, hi));
    }

    /** The scalar twin of {@link #clamp(FloatVector, float, float)}. */
    public static float clamp(float x, float lo, float hi) {
        return x < lo ? lo : x > hi ? hi : x;
    }

    /**
     * The larger of a and b lane by lane, by compare and blend (FloatVector.max takes six instructions to honour
     * NaN and -0.0): equal to Math.max except that a NaN in b is ignored and max(-0.0, +0.0) may be -0.0, which
     * no caller can tell apart (they subtract the max from the same values and take exps).
     */
    public static FloatVector max(FloatVector a, FloatVector b) {
        return a.blend(b, a.compare(VectorOperators.LT, b));
    }

    // erf(x) for x >= 0 (Abramowitz and Stegun 7.1.26, |error| <= 1.5e-7): 1 - t (a1 + t (a2 + ...)) e^(-x^2),
    // t = 1 / (1 + p x); odd symmetry gives negative x.
    private static final float ERF_P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f,
            A4 = -1.453152027f, A5 = 1.061405429f;

    public static FloatVector erf(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(ax.fma(ERF_P, 1f));
        FloatVector poly = t.fma(A5, A4);
        poly = poly.fma(t, FloatVector.broadcast(S, A3));
        poly = poly.fma(t, FloatVector.broadcast(S, A2));
        poly = poly.fma(t, FloatVector.broadcast(S, A1));
        FloatVector y = FloatVector.broadcast(S, 1f).sub(poly.mul(t).mul(exp(ax.mul(ax).neg())));
        return y.blend(y.neg(), x.compare(jdk.incubator.vector.VectorOperators.LT, 0f));
    }

    /** The scalar twin of {@link #erf(FloatVector)}. */
    public static float erf(float x) {
        float ax = Math.abs(x);
        float t = 1f / Math.fma(ax, ERF_P, 1f);
        float poly = Math.fma(t, A5, A4);
        poly = Math.fma(poly, t, A3);
        poly = Math.fma(poly, t, A2);
        poly = Math.fma(poly, t, A1);
        float y = 1f - poly * t * exp(-(ax * ax));
        return x < 0f ? -y : y;
    }
}
