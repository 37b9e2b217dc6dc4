package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Pointwise activations: GELU with the tanh approximation (GPT-2's "gelu_new") and ReLU. The GELU kernels use
 * the Vector API with the deterministic {@link VecMath#tanh}; the {@code *Scalar} twins are the specification.
 */
public final class ActivationKernel {
    private ActivationKernel() {}

    private static final VectorSpecies<Float> S = Vec.S;
    private static final int L = Vec.L;

    public static void geluForward(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector u = v.mul(v).mul(v).mul(K).add(v).mul(SQRT_2_OVER_PI);
            FloatVector t = VecMath.tanh(u);
            v.mul(0.5f).mul(t.add(1f)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            float t = VecMath.tanh((v * v * v * K + v) * SQRT_2_OVER_PI);
            out[outOff + i] = v * 0.5f * (t + 1f);
        }
    }

    /** dx += dout * gelu'(x). */
    public static void geluBackward(float[] x, int xOff, float[] dout, int dOff, float[] dx, int dxOff, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector v2 = v.mul(v);
            FloatVector t = VecMath.tanh(v2.mul(v).mul(K).add(v).mul(SQRT_2_OVER_PI));
            FloatVector dudx = v2.mul(3f * K).add(1f).mul(SQRT_2_OVER_PI);
            FloatVector half = FloatVector.broadcast(S, 0.5f);
            // 0.5 (1 + t) + 0.5 x (1 - t^2) du/dx
            FloatVector grad = t.add(1f).mul(half).add(v.mul(half).mul(t.mul(t).neg().add(1f)).mul(dudx));
            FloatVector.fromArray(S, dout, dOff + i).fma(grad, FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i], v2 = v * v;
            float t = VecMath.tanh((v2 * v * K + v) * SQRT_2_OVER_PI);
            float dudx = (v2 * (3f * K) + 1f) * SQRT_2_OVER_PI;
            float grad = (t + 1f) * 0.5f + v * 0.5f * (-(t * t) + 1f) * dudx;
            dx[dxOff + i] = Math.fma(dout[dOff + i], grad, dx[dxOff + i]);
        }
    }

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float K = 0.044715f;

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
