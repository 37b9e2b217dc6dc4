package jgpt.kernels;

/**
 * Causal multi-head self-attention over a fused qkv activation, one (batch, head) pair per call so callers
 * can spread pairs across cores. Layout: qkv is [B, T, 3C] with q, k, v at channel offsets 0, C, 2C and
 * head h using channels h*hd .. h*hd+hd-1 of each; out is [B, T, C]; att is [B, nh, T, T] probabilities
 * (only u <= t is written and read: masked entries are exactly zero and never touched).
 */
public final class AttentionKernel {
    private AttentionKernel() {}

    /**
     * Forward for pair (b, h) with Vector API dot products and updates. att gets the softmax probabilities; when
     * dropMask is non-null it holds the per-probability dropout scale (0 or 1/(1-p)) and out uses the dropped ones.
     */
    public static void forward(float[] qkv, int qkvOff, float[] out, int outOff, float[] att, float[] dropMask,
                               int b, int h, int t, int c, int nh) {
        int hd = c / nh, c3 = 3 * c;
        float scale = (float) (1.0 / Math.sqrt(hd));
        int base = qkvOff + b * t * c3;
        int attBase = (b * nh + h) * t * t;
        for (int i = 0; i < t; i++) {
            int q = base + i * c3 + h * hd;
            int row = attBase + i * t;
            for (int j = 0; j <= i; j++) att[row + j] = Vec.dot(qkv, q, qkv, base + j * c3 + c + h * hd, hd) * scale;
            float max = Vec.max(att, row, i + 1);
            float sum = Vec.expShiftSum(att, row, max, i + 1);
            Vec.scale(att, row, 1f / sum, i + 1);
            int o = outOff + (b * t + i) * c + h * hd;
            java.util.Arrays.fill(out, o, o + hd, 0f);
            for (int j = 0; j <= i; j++) {
                float p = dropMask == null ? att[row + j] : att[row + j] * dropMask[row + j];
                Vec.axpy(p, qkv, base + j * c3 + 2 * c + h * hd, out, o, hd);
            }
        }
    }

    /** Backward for pair (b, h): accumulates into dqkv from dout. {@code datt} is scratch of at least t floats. */
    public static void backward(float[] qkv, int qkvOff, float[] dqkv, int dqkvOff, float[] dout, int doutOff,
                                float[] att, float[] dropMask, float[] datt, int b, int h, int t, int c, int nh) {
        int hd = c / nh, c3 = 3 * c;
        float scale = (float) (1.0 / Math.sqrt(hd));
        int base = b * t * c3;
        int attBase = (b * nh + h) * t * t;
        for (int i = 0; i < t; i++) {
            int row = attBase + i * t;
            int dO = doutOff + (b * t + i) * c + h * hd;
            for (int j = 0; j <= i; j++) {
                int off = base + j * c3 + 2 * c + h * hd;
                float m = dropMask == null ? 1f : dropMask[row + j];
                datt[j] = Vec.dot(dout, dO, qkv, qkvOff + off, hd) * m;
                Vec.axpy(att[row + j] * m, dout, dO, dqkv, dqkvOff + off, hd);
            }
            float dot = Vec.dot(att, row, datt, 0, i + 1);
            int q = base + i * c3 + h * hd;
            for (int j = 0; j <= i; j++) {
                float dpre = att[row + j] * (datt[j] - dot) * scale;
                int k = base + j * c3 + c + h * hd;
                Vec.axpy(dpre, qkv, qkvOff + k, dqkv, dqkvOff + q, hd);
                Vec.axpy(dpre, qkv, qkvOff + q, dqkv, dqkvOff + k, hd);
            }
        }
    }

    /** The plain-loop specification of {@link #forward}. */
    public static void forwardScalar(float[] qkv, int qkvOff, float[] out, int outOff, float[] att, float[] dropMask,
                               int b, int h, int t, int c, int nh) {
        int hd = c / nh;
        float scale = (float) (1.0 / Math.sqrt(hd));
        int c3 = 3 * c;
        int base = qkvOff + b * t * c3;
        int attBase = (b * nh + h) * t * t;
        for (int i = 0; i < t; i++) {
            int q = base + i * c3 + h * hd;
            int row = attBase + i * t;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j <= i; j++) {
                int k = base + j * c3 + c + h * hd;
                float s = 0f;
                for (int d = 0; d < hd; d++) s += qkv[q + d] * qkv[k + d];
                s *= scale;
                att[row + j] = s;
                if (s > max) max = s;
            }
            float sum = 0f;
            for (int j = 0; j <= i; j++) {
                float e = (float) Math.exp(att[row + j] - max);
                att[row + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j <= i; j++) att[row + j] *= inv;
            int o = outOff + (b * t + i) * c + h * hd;
            for (int d = 0; d < hd; d++) out[o + d] = 0f;
            for (int j = 0; j <= i; j++) {
                float p = dropMask == null ? att[row + j] : att[row + j] * dropMask[row + j];
                int v = base + j * c3 + 2 * c + h * hd;
                for (int d = 0; d < hd; d++) out[o + d] += p * qkv[v + d];
            }
        }
    }

    /** The plain-loop specification of {@link #backward}. */
    public static void backwardScalar(float[] qkv, int qkvOff, float[] dqkv, int dqkvOff, float[] dout, int doutOff,
                                float[] att, float[] dropMask, float[] datt, int b, int h, int t, int c, int nh) {
        int hd = c / nh;
        float scale = (float) (1.0 / Math.sqrt(hd));
        int c3 = 3 * c;
        int base = b * t * c3;
        int attBase = (b * nh + h) * t * t;
        for (int i = 0; i < t; i++) {
            int row = attBase + i * t;
            int dO = doutOff + (b * t + i) * c + h * hd;
            // d(probabilities) and d(v)
            for (int j = 0; j <= i; j++) {
                int v = qkvOff + base + j * c3 + 2 * c + h * hd;
                int dv = dqkvOff + base + j * c3 + 2 * c + h * hd;
                float m = dropMask == null ? 1f : dropMask[row + j];
                float p = att[row + j] * m;
                float s = 0f;
                for (int d = 0; d < hd; d++) {
                    s += dout[dO + d] * qkv[v + d];
                    dqkv[dv + d] += p * dout[dO + d];
                }
                datt[j] = s * m;
            }
            // softmax backward: dpre = p * (datt - sum(p * datt))
            float dot = 0f;
            for (int j = 0; j <= i; j++) dot += att[row + j] * datt[j];
            int q = qkvOff + base + i * c3 + h * hd;
            int dq = dqkvOff + base + i * c3 + h * hd;
            for (int j = 0; j <= i; j++) {
                float dpre = att[row + j] * (datt[j] - dot) * scale;
                int k = qkvOff + base + j * c3 + c + h * hd;
                int dk = dqkvOff + base + j * c3 + c + h * hd;
                for (int d = 0; d < hd; d++) {
                    dqkv[dq + d] += dpre * qkv[k + d];
                    dqkv[dk + d] += dpre * qkv[q + d];
                }
            }
        }
    }
}
