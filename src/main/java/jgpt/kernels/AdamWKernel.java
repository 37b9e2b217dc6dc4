package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One fused AdamW update (Loshchilov and Hutter; torch.optim.AdamW semantics) over a range of a flat
 * parameter array: decoupled decay, moment updates and the bias-corrected step in a single pass. The gradient is
 * multiplied by {@code gradScale} as it is read, so gradient clipping costs no pass of its own (as in llm.c).
 */
public final class AdamWKernel {
    private AdamWKernel() {}

    private static final VectorSpecies<Float> S = Vec.S;
    private static final int L = Vec.L;

    /** The update over p[from, to) with Vector API loops; {@link #stepScalar} is its specification. */
    public static void step(float[] p, float[] g, float gradScale, float[] m, float[] v, int from, int to,
                            float lr, float beta1, float beta2, float eps, float weightDecay, int t) {
        step(p, g, gradScale, m, v, 0, from, to, lr, beta1, beta2, eps, weightDecay, t);
    }

    /**
     * The update of p[from, to) with moments m and v at [from - mShift, to - mShift): an optimizer shard (ZeRO-1)
     * keeps the moments of its range of the parameters only, packed from index 0.
     */
    public static void step(float[] p, float[] g, float gradScale, float[] m, float[] v, int mShift, int from, int to,
                            float lr, float beta1, float beta2, float eps, float weightDecay, int t) {
        float decay = 1f - lr * weightDecay;
        float stepSize = lr / (float) (1.0 - Math.pow(beta1, t));
        float invSqrtBc2 = (float) (1.0 / Math.sqrt(1.0 - Math.pow(beta2, t)));
        int i = from, bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, i).mul(gradScale);
            FloatVector mi = FloatVector.fromArray(S, m, i - mShift).mul(beta1).add(gi.mul(1f - beta1));
            FloatVector vi = FloatVector.fromArray(S, v, i - mShift).mul(beta2).add(gi.mul(gi).mul(1f - beta2));
            mi.intoArray(m, i - mShift);
            vi.intoArray(v, i - mShift);
            FloatVector denom = vi.lanewise(VectorOperators.SQRT).mul(invSqrtBc2).add(eps);
            FloatVector.fromArray(S, p, i).mul(decay).sub(mi.mul(stepSize).div(denom)).intoArray(p, i);
        }
        if (i < to) stepScalar(p, g, gradScale, m, v, mShift, i, to, lr, beta1, beta2, eps, weightDecay, t);
    }

    /** The plain-loop specification of {@link #step}. */
    public static void stepScalar(float[] p, float[] g, float gradScale, float[] m, float[] v, int from, int to,
                            float lr, float beta1, float beta2, float eps, float weightDecay, int t) {
        stepScalar(p, g, gradScale, m, v, 0, from, to, lr, beta1, beta2, eps, weightDecay, t);
    }

    /** The plain-loop specification of {@link #step(float[], float[], float, float[], float[], int, int, int, float, float, float, float, float, int)}. */
    public static void stepScalar(float[] p, float[] g, float gradScale, float[] m, float[] v, int mShift, int from, int to,
                            float lr, float beta1, float beta2, float eps, float weightDecay, int t) {
        float decay = 1f - lr * weightDecay;
        float bc1 = (float) (1.0 - Math.pow(beta1, t));
        float bc2 = (float) (1.0 - Math.pow(beta2, t));
        float stepSize = lr / bc1;
        float invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
        for (int i = from; i < to; i++) {
            float gi = g[i] * gradScale;
            float mi = beta1 * m[i - mShift] + (1f - beta1) * gi;
            float vi = beta2 * v[i - mShift] + (1f - beta2) * gi * gi;
            m[i - mShift] = mi;
            v[i - mShift] = vi;
            float denom = (float) Math.sqrt(vi) * invSqrtBc2 + eps;
            p[i] = p[i] * decay - stepSize * mi / denom;
        }
    }
}
