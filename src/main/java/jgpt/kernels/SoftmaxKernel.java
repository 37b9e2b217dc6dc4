package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Row-wise softmax and the fused log-softmax + cross-entropy used by the loss. */
public final class SoftmaxKernel {
    private SoftmaxKernel() {}

    private static final VectorSpecies<Float> S = Vec.S;
    private static final int L = Vec.L;

    /**
     * Cross-entropy of rows [from, to) against their targets: loss[r] = logsumexp(x[r]) - x[r][target[r]] (Vector
     * API). Saves logsumexp per row in {@code lse}. Rows whose target is negative are ignored (loss 0).
     */
    public static void crossEntropyForward(float[] logits, int off, int[] targets, float[] losses, float[] lse,
                                           int from, int to, int n) {
        for (int r = from; r < to; r++) {
            int li = off + r * n;
            float l = logSumExp(logits, li, n);
            lse[r] = l;
            losses[r] = targets[r] < 0 ? 0f : l - logits[li + targets[r]];
        }
    }

    /*
     * The row loops below are methods of their own: with a 50k vocabulary a call over a few rows is long, and C2
     * compiled the whole-range loop before ever profiling its exit, then deoptimised on it; the slower tier that ran
     * meanwhile boxed every vector (megabytes per step). A row method is entered often enough to be profiled whole.
     */
    private static float logSumExp(float[] x, int off, int n) {
        float max = Vec.max(x, off, n);
        FloatVector acc = FloatVector.zero(S);
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) acc = VecMath.exp(FloatVector.fromArray(S, x, off + i).sub(max)).add(acc);
        double sum = VecMath.sum(acc);
        for (; i < n; i++) sum += VecMath.exp(x[off + i] - max);
        return max + (float) Math.log(sum);
    }

    /** dlogits[r] += scale * (softmax(x[r]) - onehot(target[r])) for rows [from, to) (Vector API). */
    public static void crossEntropyBackward(float[] logits, int off, int[] targets, float[] lse, float[] dlogits,
                                            int dOff, int from, int to, int n, float scale) {
        for (int r = from; r < to; r++) {
            if (targets[r] < 0) continue;
            int di = dOff + r * n;
            addScaledSoftmax(logits, off + r * n, lse[r], scale, dlogits, di, n);
            dlogits[di + targets[r]] -= scale;
        }
    }

    /** d[di..] += scale * exp(x[xi..] - lse) over n values: one row of the softmax gradient. */
    private static void addScaledSoftmax(float[] x, int xi, float lse, float scale, float[] d, int di, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector p = VecMath.exp(FloatVector.fromArray(S, x, xi + i).sub(lse));
            p.mul(scale).add(FloatVector.fromArray(S, d, di + i)).intoArray(d, di + i);
        }
        for (; i < n; i++) d[di + i] += scale * (float) Math.exp(x[xi + i] - lse);
    }

    /** out[r] = softmax(x[r]) over rows of length n. */
    public static void forward(float[] x, int xOff, float[] out, int outOff, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * n, oi = outOff + r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) max = Math.max(max, x[xi + i]);
            float sum = 0f;
            for (int i = 0; i < n; i++) {
                float e = (float) Math.exp(x[xi + i] - max);
                out[oi + i] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int i = 0; i < n; i++) out[oi + i] *= inv;
        }
    }

    /** dx += y * (dy - sum(dy * y)), with y the softmax output. */
    public static void backward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int yi = yOff + r * n, di = dyOff + r * n, xi = dxOff + r * n;
            float dot = 0f;
            for (int i = 0; i < n; i++) dot += dy[di + i] * y[yi + i];
            for (int i = 0; i < n; i++) dx[xi + i] += y[yi + i] * (dy[di + i] - dot);
        }
    }

    /** The plain-loop specification of {@link #crossEntropyForward}. */
    public static void crossEntropyForwardScalar(float[] logits, int off, int[] targets, float[] losses, float[] lse,
                                           int rows, int n) {
        for (int r = 0; r < rows; r++) {
            int li = off + r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) max = Math.max(max, logits[li + i]);
            double sum = 0;
            for (int i = 0; i < n; i++) sum += Math.exp(logits[li + i] - max);
            float l = max + (float) Math.log(sum);
            lse[r] = l;
            losses[r] = targets[r] < 0 ? 0f : l - logits[li + targets[r]];
        }
    }

    /** The plain-loop specification of {@link #crossEntropyBackward}. */
    public static void crossEntropyBackwardScalar(float[] logits, int off, int[] targets, float[] lse, float[] dlogits,
                                            int dOff, int rows, int n, float scale) {
        for (int r = 0; r < rows; r++) {
            if (targets[r] < 0) continue;
            int li = off + r * n, di = dOff + r * n;
            float l = lse[r];
            for (int i = 0; i < n; i++) dlogits[di + i] += scale * (float) Math.exp(logits[li + i] - l);
            dlogits[di + targets[r]] -= scale;
        }
    }
}
