package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention of one query head against n cached positions, vectorised across positions. Keys are stored
 * channel-major ([C, capacity]: one channel of every position contiguous), so the scores of all positions are
 * hd axpys over contiguous memory; values are position-major ([capacity, C]), so the output is n axpys of
 * one head slice.
 */
public final class CachedAttention {
    private CachedAttention() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /**
     * y[yOff, +hd) = softmax(scale · q·Kᵀ) V over positions [0, n). q at q[qOff, +hd); channel d of position j
     * at keys[kOff + d*cap + j]; value channel d of position j at values[vOff + j*c + d]. scores[sOff, +n) is
     * scratch.
     */
    public static void head(float[] q, int qOff, float[] keys, int kOff, int cap, float[] values, int vOff, int c,
                            int hd, int n, float scale, float[] scores, int sOff, float[] y, int yOff) {
        scores(q, qOff, keys, kOff, cap, hd, n, scores, sOff);
        float inv = 1f / softmaxNumerators(scores, sOff, n, scale);
        java.util.Arrays.fill(y, yOff, yOff + hd, 0f);
        for (int j = 0; j < n; j++) axpy(scores[sOff + j] * inv, values, vOff + j * c, y, yOff, hd);
    }

    /** Plain-loop specification of {@link #head}. */
    public static void headScalar(float[] q, int qOff, float[] keys, int kOff, int cap, float[] values, int vOff, int c,
                                  int hd, int n, float scale, float[] scores, int sOff, float[] y, int yOff) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            float s = 0f;
            for (int d = 0; d < hd; d++) s += q[qOff + d] * keys[kOff + d * cap + j];
            scores[sOff + j] = s * scale;
            max = Math.max(max, s * scale);
        }
        float sum = 0f;
        for (int j = 0; j < n; j++) sum += scores[sOff + j] = (float) Math.exp(scores[sOff + j] - max);
        for (int d = 0; d < hd; d++) {
            float acc = 0f;
            for (int j = 0; j < n; j++) acc += scores[sOff + j] * values[vOff + j * c + d];
            y[yOff + d] = acc / sum;
        }
    }

    /**
     * s[j] = q · key j for j in [0, n), a vector of positions at a time. The loops are written out here rather
     * than calling an axpy helper: allocation profiling showed the helper's vectors boxed when C2 compiled this
     * method before the vector path was warm (short contexts).
     */
    private static void scores(float[] q, int qOff, float[] keys, int kOff, int cap, int hd, int n, float[] s, int so) {
        int j = 0, bound = S.loopBound(n);
        for (; j < bound; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int d = 0; d < hd; d++) {
                acc = FloatVector.fromArray(S, keys, kOff + d * cap + j).fma(FloatVector.broadcast(S, q[qOff + d]), acc);
            }
            acc.intoArray(s, so + j);
        }
        for (; j < n; j++) {
            float acc = 0f;
            for (int d = 0; d < hd; d++) acc += q[qOff + d] * keys[kOff + d * cap + j];
            s[so + j] = acc;
        }
    }

    /** y[yo, +n) += a * x[xo, +n). */
    private static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector va = FloatVector.broadcast(S, a);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) y[yo + i] += a * x[xo + i];
    }

    /** s[i] = exp(scale·(s[i] - max)) in place; returns their sum. */
    private static float softmaxNumerators(float[] s, int so, int n, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        int i = 0, bound = S.loopBound(n);
        if (bound > 0) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < bound; i += L) m = FloatVector.fromArray(S, s, so + i).max(m);
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) max = Math.max(max, s[so + i]);
        FloatVector vs = FloatVector.broadcast(S, scale), vm = FloatVector.broadcast(S, max);
        FloatVector acc = FloatVector.zero(S);
        for (i = 0; i < bound; i += L) {
            FloatVector e = VecMath.exp(FloatVector.fromArray(S, s, so + i).sub(vm).mul(vs));
            e.intoArray(s, so + i);
            acc = e.add(acc);
        }
        float sum = VecMath.sum(acc);
        for (; i < n; i++) sum += s[so + i] = VecMath.exp((s[so + i] - max) * scale);
        return sum;
    }
}
