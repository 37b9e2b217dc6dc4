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
    // division, where tanh costs an exp, a division and more.
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
            v.mul(sigmoid2u(v)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            out[outOff + i] = v * sigmoid2u(v);
        }
    }

    /**
     * The training forward: out = gelu(x), and gelu'(x) into {@code slope}, so the backward pass is one fma per
     * element (recomputing the exp and the division there cost 4% of a `baby` step). With s = sigmoid(2u):
     * gelu = x s and gelu' = s + x s (1 - s) d(2u)/dx.
     */
    public static void geluForward(float[] x, int xOff, float[] out, int outOff, float[] slope, int slopeOff, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector s = sigmoid2u(v);
            v.mul(s).intoArray(out, outOff + i);
            FloatVector c = VecMath.clamp(v, -GRAD_CLAMP, GRAD_CLAMP);
            c.mul(c).fma(D3, D1).mul(c).mul(s.neg().add(1f).mul(s)).add(s).intoArray(slope, slopeOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i], s = sigmoid2u(v);
            out[outOff + i] = v * s;
            float c = VecMath.clamp(v, -GRAD_CLAMP, GRAD_CLAMP);
            slope[slopeOff + i] = Math.fma(c * c, D3, D1) * c * ((1f - s) * s) + s;
        }
    }

    /** sigmoid(2u) = 1 / (1 + exp(-2u)), -2u = x (M1 + M3 x^2). */
    private static FloatVector sigmoid2u(FloatVector v) {
        FloatVector e = VecMath.exp(v.mul(v).fma(M3, M1).mul(v));
        return FloatVector.broadcast(S, 1f).div(e.add(1f));
    }

    private static float sigmoid2u(float v) {
        float e = VecMath.exp(Math.fma(v * v, M3, M1) * v);
        return 1f / (e + 1f);
    }

    /** dx += dout * gelu'(x), with gelu'(x) as kept by the training {@link #geluForward}. */
    public static void geluBackward(float[] slope, int slopeOff, float[] dout, int dOff, float[] dx, int dxOff, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(S, slope, slopeOff + i);
            FloatVector.fromArray(S, dout, dOff + i).fma(g, FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) dx[dxOff + i] = Math.fma(dout[dOff + i], slope[slopeOff + i], dx[dxOff + i]);
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
