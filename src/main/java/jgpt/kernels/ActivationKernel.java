package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pointwise activations: GELU with the tanh approximation (GPT-2's "gelu_new") and ReLU. The GELU kernels use
 * the Vector API with the deterministic {@link VecMath#exp}; the {@code *Scalar} twins (plain tanh) are the
 * specification.
 */
public final class ActivationKernel {
    private ActivationKernel() {}

    private static final VectorSpecies<Float> S = Vec.S;
    private static final int L = Vec.L;

    // 0.5 x (1 + tanh(u)) = x sigmoid(2u) = x / (1 + exp(-2u)), u = sqrt(2/pi) (x + K x^3): one exp and one
    // division, where tanh costs an exp, a division and more. -2u = x (M1 + M3 x^2).
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float K = 0.044715f;
    private static final float M1 = -2f * SQRT_2_OVER_PI, M3 = M1 * K;
    /** d(2u)/dx = D1 + D3 x^2. */
    private static final float D1 = 2f * SQRT_2_OVER_PI, D3 = 3f * K * D1;
    /** Beyond this |x| gelu' is 0 or 1 in float; clamping keeps x (1 - s) s d(2u)/dx from overflowing to inf. */
    private static final float GRAD_CLAMP = 20f;

    public static void geluForward(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector e = VecMath.exp(v.mul(v).fma(M3, M1).mul(v));
            v.div(e.add(1f)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            float e = VecMath.exp(Math.fma(v * v, M3, M1) * v);
            out[outOff + i] = v / (e + 1f);
        }
    }

    /**
     * dx += dout * gelu'(x). With s = sigmoid(2u) = 1 / (1 + e), e = exp(-2u), and 1 - s = e s:
     * gelu' = s + x s (1 - s) d(2u)/dx = s + (x d(2u)/dx) (e s) s.
     */
    public static void geluBackward(float[] x, int xOff, float[] dout, int dOff, float[] dx, int dxOff, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i).max(-GRAD_CLAMP).min(GRAD_CLAMP);
            FloatVector v2 = v.mul(v);
            FloatVector e = VecMath.exp(v2.fma(M3, M1).mul(v));
            FloatVector s = FloatVector.broadcast(S, 1f).div(e.add(1f));
            FloatVector slope = v2.fma(D3, D1).mul(v).mul(e.mul(s));
            FloatVector grad = slope.fma(s, s);
            FloatVector.fromArray(S, dout, dOff + i).fma(grad, FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            float v = Math.min(Math.max(x[xOff + i], -GRAD_CLAMP), GRAD_CLAMP), v2 = v * v;
            float e = VecMath.exp(Math.fma(v2, M3, M1) * v);
            float s = 1f / (e + 1f);
            float slope = Math.fma(v2, D3, D1) * v * (e * s);
            float grad = Math.fma(slope, s, s);
            dx[dxOff + i] = Math.fma(dout[dOff + i], grad, dx[dxOff + i]);
        }
    }

    public static void geluForwardScalar(float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            float t = (float) Math.tanh(SQRT_2_OVER_PI * (v + K * v * v * v));
            out[outOff + i] = 0.5f * v * (1f + t);
        }
    }

    /** dx += dout * gelu'(x). */
    public static void geluBackwardScalar(float[] x, int xOff, float[] dout, int dOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            float t = (float) Math.tanh(SQRT_2_OVER_PI * (v + K * v * v * v));
            float dudx = SQRT_2_OVER_PI * (1f + 3f * K * v * v);
            float grad = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * dudx;
            dx[dxOff + i] += dout[dOff + i] * grad;
        }
    }

    public static void reluForward(float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) out[outOff + i] = Math.max(0f, x[xOff + i]);
    }

    /** dx += dout where x > 0. */
    public static void reluBackward(float[] x, int xOff, float[] dout, int dOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) if (x[xOff + i] > 0f) dx[dxOff + i] += dout[dOff + i];
    }
}
