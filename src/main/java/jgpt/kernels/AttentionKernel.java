package jgpt.kernels;

/**
 * Causal multi-head self-attention over a fused qkv activation, one (batch, head) pair per call so callers
 * can spread pairs across cores. Layout: qkv is [B, T, 3C] with q, k, v at channel offsets 0, C, 2C and
 * head h using channels h*hd .. h*hd+hd-1 of each; out is [B, T, C]; att is [B, nh, T, T] probabilities
 * (only u <= t is written and read: masked entries are exactly zero and never touched).
 */
public final class AttentionKernel {
    private AttentionKernel() {}

    /** Query rows per backward tile: the score gradients of a tile's rows live in the caller's dp scratch. */
    public static final int TILE = 32;

    private static final int ROWS = AttentionTiles.ROWS, PRODUCT_ROWS = AttentionTiles.PRODUCT_ROWS;

    /**
     * Forward for pair (b, h), L query rows (one vector) at a time: their scores against the keys up to the block's
     * diagonal are computed key-major, Sᵀ = K Qᵀ / sqrt(hd) (Qᵀ transposed once per pair), so the causal softmax runs
     * lanewise, one query per lane ({@link AttentionTiles#softmaxColumns}); the probabilities go to att row-major
     * (zeros above the diagonal), then Y = P V {@link AttentionTiles#ROWS} rows at a time. When dropMask is non-null
     * it holds the dropout scale per probability and {@code dropped} (same layout as att) receives P * mask, which
     * is what multiplies V.
     */
    public static void forward(float[] qkv, int qkvOff, float[] out, int outOff, float[] att, float[] dropMask,
                               float[] dropped, int b, int h, int t, int c, int nh) {
        int hd = c / nh, c3 = 3 * c, tp = AttentionTiles.padded(t), lanes = Vec.L;
        float scale = (float) (1.0 / Math.sqrt(hd));
        int base = qkvOff + b * t * c3, q = base + h * hd, k = base + c + h * hd, v = base + 2 * c + h * hd;
        int attBase = (b * nh + h) * t * t;
        float[] qT = AttentionTiles.scratch(hd * tp);
        AttentionTiles.transpose(qkv, q, c3, t, hd, qT);
        float[] scores = AttentionTiles.scoreBlock(t * lanes), stats = AttentionTiles.scoreBlockStats();
        float[] p = dropMask == null ? att : dropped;
        for (int r0 = 0; r0 < t; r0 += lanes) {
            int nq = Math.min(lanes, t - r0), keys = r0 + nq, tile = attBase + r0 * t;
            for (int j0 = 0; j0 < keys; j0 += PRODUCT_ROWS) {
                AttentionTiles.products(qkv, k + j0 * c3, c3, Math.min(PRODUCT_ROWS, keys - j0), qT, AttentionTiles.HEAD + r0, tp, hd, nq, scale,
                        scores, j0 * lanes, lanes);
            }
            AttentionTiles.softmaxColumns(scores, keys, r0, stats);
            AttentionTiles.storeColumns(scores, keys, stats, nq, att, tile, t);
            if (dropMask != null) {
                for (int j = tile; j < tile + nq * t; j++) dropped[j] = att[j] * dropMask[j];
            }
            for (int i0 = r0; i0 < keys; i0 += ROWS) {
                int rows = Math.min(ROWS, keys - i0);
                // the rows' probabilities are zero past their diagonals, so all rows can sum over the last row's keys
                AttentionTiles.weightedSum(p, attBase + i0 * t, t, 1, rows, i0 + rows, qkv, v, c3, hd, out,
                        outOff + (b * t + i0) * c + h * hd, c, false);
            }
        }
    }

    /**
     * Backward for pair (b, h), TILE query rows at a time: dP = dY Vᵀ (Vᵀ transposed once per pair),
     * dS = P (dP - rowsum(P dP)) / sqrt(hd) into {@code dp[dpOff ...]} (scratch of at least TILE * t floats),
     * then dQ += dS K row by row and dV += Pᵀ dY, dK += dSᵀ Q key by key, each key from its first unmasked row.
     */
    public static void backward(float[] qkv, int qkvOff, float[] dqkv, int dqkvOff, float[] dout, int doutOff,
                                float[] att, float[] dropMask, float[] dropped, float[] dp, int dpOff, int b, int h, int t, int c, int nh) {
        int hd = c / nh, c3 = 3 * c, tp = AttentionTiles.padded(t);
        float scale = (float) (1.0 / Math.sqrt(hd));
        int rel = b * t * c3 + h * hd;
        int q = qkvOff + rel, k = qkvOff + rel + c, v = qkvOff + rel + 2 * c;
        int dq = dqkvOff + rel, dk = dqkvOff + rel + c, dv = dqkvOff + rel + 2 * c;
        int attBase = (b * nh + h) * t * t;
        float[] vT = AttentionTiles.scratch(hd * tp);
        AttentionTiles.transpose(qkv, v, c3, t, hd, vT);
        float[] p = dropMask == null ? att : dropped;
        for (int i0 = 0; i0 < t; i0 += TILE) {
            int rows = Math.min(TILE, t - i0), end = i0 + rows;
            int tile = attBase + i0 * t, dy = doutOff + (b * t + i0) * c + h * hd;
            for (int s0 = 0; s0 < rows; s0 += PRODUCT_ROWS) {
                int sub = Math.min(PRODUCT_ROWS, rows - s0);
                AttentionTiles.products(dout, dy + s0 * c, c, sub, vT, AttentionTiles.HEAD, tp, hd, i0 + s0 + sub, 1f, dp, dpOff + s0 * t, t);
            }
            for (int r = 0; r < rows; r++) {
                int row = tile + r * t, d = dpOff + r * t, n = i0 + r + 1;
                if (dropMask != null) {
                    for (int j = 0; j < n; j++) dp[d + j] *= dropMask[row + j];
                }
                float dot = Vec.dot(att, row, dp, d, n);
                AttentionTiles.scoreGradient(att, row, dp, d, dot, scale, n);
                java.util.Arrays.fill(dp, d + n, d + end, 0f);
            }
            for (int s0 = 0; s0 < rows; s0 += ROWS) {
                int sub = Math.min(ROWS, rows - s0);
                AttentionTiles.weightedSum(dp, dpOff + s0 * t, t, 1, sub, i0 + s0 + sub, qkv, k, c3, hd, dqkv, dq + (i0 + s0) * c3, c3, true);
            }
            for (int j0 = 0; j0 < end; j0 += ROWS) {
                int keys = Math.min(ROWS, end - j0), from = Math.max(i0, j0), n = end - from;
                AttentionTiles.weightedSum(p, attBase + from * t + j0, 1, t, keys, n, dout, doutOff + (b * t + from) * c + h * hd, c,
                        hd, dqkv, dv + j0 * c3, c3, true);
                AttentionTiles.weightedSum(dp, dpOff + (from - i0) * t + j0, 1, t, keys, n, qkv, q + from * c3, c3,
                        hd, dqkv, dk + j0 * c3, c3, true);
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
