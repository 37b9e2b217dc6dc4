package jgpt.kernels;

/** Pointwise activations: GELU with the tanh approximation (GPT-2's "gelu_new") and ReLU. */
public final class ActivationKernel {
    private ActivationKernel() {}

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float K = 0.044715f;

    public static void geluForward(float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            float t = (float) Math.tanh(SQRT_2_OVER_PI * (v + K * v * v * v));
            out[outOff + i] = 0.5f * v * (1f + t);
        }
    }

    /** dx += dout * gelu'(x). */
    public static void geluBackward(float[] x, int xOff, float[] dout, int dOff, float[] dx, int dxOff, int n) {
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
