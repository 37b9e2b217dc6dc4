package jgpt.kernels;

/**
 * One fused AdamW update (Loshchilov and Hutter; torch.optim.AdamW semantics) over a range of a flat
 * parameter array: decoupled decay, moment updates and the bias-corrected step in a single pass.
 */
public final class AdamWKernel {
    private AdamWKernel() {}

    public static void step(float[] p, float[] g, float[] m, float[] v, int from, int to,
                            float lr, float beta1, float beta2, float eps, float weightDecay, int t) {
        float decay = 1f - lr * weightDecay;
        float bc1 = (float) (1.0 - Math.pow(beta1, t));
        float bc2 = (float) (1.0 - Math.pow(beta2, t));
        float stepSize = lr / bc1;
        float invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = beta1 * m[i] + (1f - beta1) * gi;
            float vi = beta2 * v[i] + (1f - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) * invSqrtBc2 + eps;
            p[i] = p[i] * decay - stepSize * mi / denom;
        }
    }
}
