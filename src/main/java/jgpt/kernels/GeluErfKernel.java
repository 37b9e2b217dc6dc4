package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exact GELU, x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)) (Hendrycks and Gimpel 2016; PyTorch's nn.GELU() and
 * Hugging Face's "gelu", used by nanoGPT). Vector API kernels with the deterministic {@link VecMath#erf}; the
 * {@code *Scalar} twins compute in double with the same erf formula and are the specification.
 */
public final class GeluErfKernel {
    private GeluErfKernel() {}

    private static final VectorSpecies<Float> S = Vec.S;
    private static final int L = Vec.L;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2)), INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    public static void forward(float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            v.mul(0.5f).mul(VecMath.erf(v.mul(INV_SQRT2)).add(1f)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            out[outOff + i] = v * 0.5f * (VecMath.erf(v * INV_SQRT2) + 1f);
        }
    }

    /** dx += dout * (Phi(x) + x phi(x)). */
    public static void backward(float[] x, int xOff, float[] dout, int dOff, float[] dx, int dxOff, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector cdf = VecMath.erf(v.mul(INV_SQRT2)).add(1f).mul(0.5f);
            FloatVector pdf = VecMath.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
            FloatVector grad = v.fma(pdf, cdf);
            FloatVector.fromArray(S, dout, dOff + i).fma(grad, FloatVector.fromArray(S, dx, dxOff + i)).intoArray(dx, dxOff + i);
        }
        for (; i < n; i++) {
            float v = x[xOff + i];
            float cdf = (VecMath.erf(v * INV_SQRT2) + 1f) * 0.5f;
            float pdf = VecMath.exp(v * v * -0.5f) * INV_SQRT_2PI;
            dx[dxOff + i] = Math.fma(dout[dOff + i], Math.fma(v, pdf, cdf), dx[dxOff + i]);
        }
    }

    public static void forwardScalar(float[] x, int xOff, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            out[outOff + i] = (float) (0.5 * v * (1 + erf(v / Math.sqrt(2))));
        }
    }

    public static void backwardScalar(float[] x, int xOff, float[] dout, int dOff, float[] dx, int dxOff, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            double grad = 0.5 * (1 + erf(v / Math.sqrt(2))) + v * Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
            dx[dxOff + i] += (float) (dout[dOff + i] * grad);
        }
    }

    /** erf in double, same approximation (A&S 7.1.26). */
    static double erf(double x) {
        double ax = Math.abs(x), t = 1 / (1 + 0.3275911 * ax);
        double y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
                * Math.exp(-ax * ax);
        return x < 0 ? -y : y;
    }
}
