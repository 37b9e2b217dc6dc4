package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API building blocks over float arrays (the machine's preferred width, 512 bits with AVX-512), each
 * with a scalar tail. Small static methods on primitive arrays so C2 inlines and intrinsifies them.
 * The plain loops in {@link #dotScalar} etc. are the specifications the tests compare against.
 * <p>In loops, an accumulator is the argument, not the receiver ({@code acc = v.add(acc)}, not
 * {@code acc.add(v)}): C2 parses a loop-carried vector as plain FloatVector, so a call on it is virtual unless
 * the type profile happens to be clean, and when it is not (tiering-dependent) every iteration boxes a vector
 * (seen as ~100 KB allocated per decoded token in some runs). A fresh vector has its exact type; after the loop,
 * on paths that may still be cold when C2 compiles them, the accumulator goes through {@link VecMath#typed}
 * before it is stored or reduced.
 */
public final class Vec {
    private Vec() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /** sum_i a[i] * b[i]. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float sum = 0f;
        if (n >= L) {
            FloatVector acc = FloatVector.zero(S);
            int bound = S.loopBound(n);
            for (; i < bound; i += L) acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
            sum = VecMath.sum(acc);
        }
        for (; i < n; i++) sum += a[ao + i] * b[bo + i];
        return sum;
    }

    public static float dotScalar(float[] a, int ao, float[] b, int bo, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += a[ao + i] * b[bo + i];
        return sum;
    }

    /** y[i] += alpha * x[i]. */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (n >= L) {
            FloatVector va = FloatVector.broadcast(S, alpha);
            int bound = S.loopBound(n);
            for (; i < bound; i += L) {
                FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /** y[i] += x[i]. */
    public static void add(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).add(FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        for (; i < n; i++) y[yo + i] += x[xo + i];
    }

    /** out[i] = a[i] + b[i]. */
    public static void sum(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    /** x[i] *= s. */
    public static void scale(float[] x, int xo, float s, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += L) FloatVector.fromArray(S, x, xo + i).mul(s).intoArray(x, xo + i);
        for (; i < n; i++) x[xo + i] *= s;
    }

    /** sum_i x[i]. */
    public static float sum(float[] x, int xo, int n) {
        int i = 0;
        float s = 0f;
        if (n >= L) {
            FloatVector acc = FloatVector.zero(S);
            int bound = S.loopBound(n);
            for (; i < bound; i += L) acc = FloatVector.fromArray(S, x, xo + i).add(acc);
            s = VecMath.sum(acc);
        }
        for (; i < n; i++) s += x[xo + i];
        return s;
    }

    /** max_i x[i] (-inf for n = 0). */
    public static float max(float[] x, int xo, int n) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= L) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int bound = S.loopBound(n);
            for (; i < bound; i += L) acc = FloatVector.fromArray(S, x, xo + i).max(acc);
            m = VecMath.typed(acc).reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, x[xo + i]);
        return m;
    }

    /** x[i] = exp(x[i] - shift) in place (deterministic {@link VecMath#exp}); returns their sum. */
    public static float expShiftSum(float[] x, int xo, float shift, int n) {
        int i = 0;
        float s = 0f;
        if (n >= L) {
            FloatVector acc = FloatVector.zero(S);
            int bound = S.loopBound(n);
            for (; i < bound; i += L) {
                FloatVector e = VecMath.exp(FloatVector.fromArray(S, x, xo + i).sub(shift));
                e.intoArray(x, xo + i);
                acc = e.add(acc);
            }
            s = VecMath.sum(acc);
        }
        for (; i < n; i++) {
            float e = VecMath.exp(x[xo + i] - shift);
            x[xo + i] = e;
            s += e;
        }
        return s;
    }
}
