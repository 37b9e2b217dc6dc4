package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention of one query head against n cached positions, vectorised across positions. Keys are stored
 * channel-major ([C, capacity]: one channel of every position contiguous), so the scores of all positions are
 * hd axpys over contiguous memory; values are position-major ([capacity, C]), so the output is a weighted sum of
 * n value slices of the head.
 */
public final class CachedAttention {
    private CachedAttention() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /**
     * y[yOff, +hd) = softmax(scale · q·Kᵀ) V over positions [0, n). q at q[qOff, +hd); channel d of position j
     * at keys[kOff + d*cap + j]; value channel d of position j at values[vOff + j*c + d]. Returns 1/sum: afterwards
     * scores[sOff + j] · that is the attention weight of position j (what multiplied its value).
     */
    public static float head(float[] q, int qOff, float[] keys, int kOff, int cap, float[] values, int vOff, int c,
                            int hd, int n, float scale, float[] scores, int sOff, float[] y, int yOff) {
        scores(q, qOff, keys, kOff, cap, hd, n, scores, sOff);
        float inv = 1f / softmaxNumerators(scores, sOff, n, scale);
        weightedValues(scores, sOff, inv, values, vOff, c, hd, n, y, yOff);
        return inv;
    }

    /** Plain-loop specification of {@link #head}. */
    public static float headScalar(float[] q, int qOff, float[] keys, int kOff, int cap, float[] values, int vOff, int c,
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
        return 1f / sum;
    }

    /**
     * s[j] = q · key j for j in [0, n), four vectors of positions at a time: their fma chains are independent,
     * so they overlap instead of each waiting on the previous fma (per position the order over d is unchanged).
     * The loops are written out here rather than calling an axpy helper: allocation profiling showed the
     * helper's vectors boxed when C2 compiled this method before the vector path was warm (short contexts).
     */
    private static void scores(float[] q, int qOff, float[] keys, int kOff, int cap, int hd, int n, float[] s, int so) {
        int j = 0, bound = S.loopBound(n);
        for (; j + 4 * L <= bound; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
            for (int d = 0; d < hd; d++) {
                FloatVector qd = FloatVector.broadcast(S, q[qOff + d]);
                int k = kOff + d * cap + j;
                a0 = FloatVector.fromArray(S, keys, k).fma(qd, a0);
                a1 = FloatVector.fromArray(S, keys, k + L).fma(qd, a1);
                a2 = FloatVector.fromArray(S, keys, k + 2 * L).fma(qd, a2);
                a3 = FloatVector.fromArray(S, keys, k + 3 * L).fma(qd, a3);
            }
            VecMath.typed(a0).intoArray(s, so + j);
            VecMath.typed(a1).intoArray(s, so + j + L);
            VecMath.typed(a2).intoArray(s, so + j + 2 * L);
            VecMath.typed(a3).intoArray(s, so + j + 3 * L);
        }
        for (; j < bound; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int d = 0; d < hd; d++) {
                acc = FloatVector.fromArray(S, keys, kOff + d * cap + j).fma(FloatVector.broadcast(S, q[qOff + d]), acc);
            }
            VecMath.typed(acc).intoArray(s, so + j);
        }
        for (; j < n; j++) {
            float acc = 0f;
            for (int d = 0; d < hd; d++) acc += q[qOff + d] * keys[kOff + d * cap + j];
            s[so + j] = acc;
        }
    }

    /**
     * y[yo, +hd) = sum over j of (p[j]·inv) · value j, with the output held in registers across positions (four
     * vectors of channels at a time) rather than loaded and stored per position, which chained every fma through
     * a store-to-load forward. Per channel the same fmas in the same order as an axpy per position.
     */
    private static void weightedValues(float[] p, int po, float inv, float[] values, int vOff, int c, int hd, int n,
                                       float[] y, int yo) {
        int d = 0;
        for (; d + 4 * L <= hd; d += 4 * L) {
            FloatVector y0 = FloatVector.zero(S), y1 = FloatVector.zero(S), y2 = FloatVector.zero(S), y3 = FloatVector.zero(S);
            for (int j = 0; j < n; j++) {
                FloatVector a = FloatVector.broadcast(S, p[po + j] * inv);
                int v = vOff + j * c + d;
                y0 = FloatVector.fromArray(S, values, v).fma(a, y0);
                y1 = FloatVector.fromArray(S, values, v + L).fma(a, y1);
                y2 = FloatVector.fromArray(S, values, v + 2 * L).fma(a, y2);
                y3 = FloatVector.fromArray(S, values, v + 3 * L).fma(a, y3);
            }
            VecMath.typed(y0).intoArray(y, yo + d);
            VecMath.typed(y1).intoArray(y, yo + d + L);
            VecMath.typed(y2).intoArray(y, yo + d + 2 * L);
            VecMath.typed(y3).intoArray(y, yo + d + 3 * L);
        }
        for (; d + L <= hd; d += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < n; j++) {
                acc = FloatVector.fromArray(S, values, vOff + j * c + d).fma(FloatVector.broadcast(S, p[po + j] * inv), acc);
            }
            VecMath.typed(acc).intoArray(y, yo + d);
        }
        for (; d < hd; d++) {
            float acc = 0f;
            for (int j = 0; j < n; j++) acc += p[po + j] * inv * values[vOff + j * c + d];
            y[yo + d] = acc;
        }
    }

    /** s[i] = exp(scale·(s[i] - max)) in place; returns their sum. */
    private static float softmaxNumerators(float[] s, int so, int n, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        int i = 0, bound = S.loopBound(n);
        if (bound > 0) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < bound; i += L) m = FloatVector.fromArray(S, s, so + i).max(m);
            max = VecMath.typed(m).reduceLanes(VectorOperators.MAX);
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
