package jgpt.kernels;

/** Layer normalisation over the last dimension C of {@code rows} rows (biased variance, as PyTorch). */
public final class LayerNormKernel {
    private LayerNormKernel() {}

    /** out = (x - mean) * rstd * w + b; saves mean and rstd per row for the backward pass. b may be null. */
    public static void forward(float[] x, int xOff, float[] out, int outOff, float[] w, int wOff, float[] b, int bOff,
                               float[] mean, float[] rstd, int rows, int c, float eps) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * c, oi = outOff + r * c;
            float sum = 0f;
            for (int i = 0; i < c; i++) sum += x[xi + i];
            float m = sum / c;
            float var = 0f;
            for (int i = 0; i < c; i++) {
                float d = x[xi + i] - m;
                var += d * d;
            }
            float s = (float) (1.0 / Math.sqrt(var / c + eps));
            for (int i = 0; i < c; i++) {
                float n = (x[xi + i] - m) * s;
                out[oi + i] = b == null ? n * w[wOff + i] : n * w[wOff + i] + b[bOff + i];
            }
            if (mean != null) {
                mean[r] = m;
                rstd[r] = s;
            }
        }
    }

    /** Accumulates dx, dw and db (db may be null) from dout. */
    public static void backward(float[] dout, int dOff, float[] x, int xOff, float[] w, int wOff,
                                float[] mean, float[] rstd, float[] dx, int dxOff, float[] dw, int dwOff,
                                float[] db, int dbOff, int rows, int c) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * c, di = dOff + r * c;
            float m = mean[r], s = rstd[r];
            float meanD = 0f, meanDN = 0f;
            for (int i = 0; i < c; i++) {
                float n = (x[xi + i] - m) * s;
                float dn = w[wOff + i] * dout[di + i];
                meanD += dn;
                meanDN += dn * n;
            }
            meanD /= c;
            meanDN /= c;
            for (int i = 0; i < c; i++) {
                float n = (x[xi + i] - m) * s;
                float g = dout[di + i];
                if (dw != null) dw[dwOff + i] += n * g;
                if (db != null) db[dbOff + i] += g;
                if (dx != null) {
                    float dn = w[wOff + i] * g;
                    dx[dxOff + r * c + i] += (dn - meanD - n * meanDN) * s;
                }
            }
        }
    }
}
