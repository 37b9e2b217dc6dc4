package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Memory-light causal attention (FlashAttention-2, Dao 2023, on the CPU) over the same layout as
 * {@link AttentionKernel}: qkv [B, T, 3C], out [B, T, C], one (batch, head) pair per call. Instead of the
 * [T, T] probabilities it keeps only each row's log-sum-exp L = max + log(sum exp) ([B, nh, T]); the backward
 * pass recomputes the probabilities tile by tile from L. Key tiles above the diagonal are never visited.
 * Each call needs {@link #SCRATCH} floats of its own scratch, independent of T.
 */
public final class FlashAttentionKernel {
    private FlashAttentionKernel() {}

    private static final VectorSpecies<Float> S = Vec.S;
    private static final int L = Vec.L;

    // Tile sizes measured at hd = 64 (T = 256 and 1024, one thread): 32 x 64 tiles ran 1.3-1.5x slower than the
    // stored-probability kernel, 96 x 384 about as fast. 96 rows is a whole number of VectorGemm's 6-row
    // micro-tiles; wide key tiles make fewer, larger GEMMs.
    /** Query rows per tile. */
    public static final int QUERY_TILE = 96;
    /** Keys per tile: a multiple of QUERY_TILE, so every visited tile has at least one unmasked key per row. */
    public static final int KEY_TILE = 384;
    private static final int TILE_FLOATS = QUERY_TILE * KEY_TILE;
    /** Scratch floats per call: two score tiles and two values per query row. */
    public static final int SCRATCH = 2 * TILE_FLOATS + 2 * QUERY_TILE;

    /**
     * Forward for pair (b, h): per query tile, online softmax over the key tiles up to the diagonal (running row
     * max and sum; the output rows accumulate P V in place and are rescaled when the max grows), then out /= sum.
     * lse[(b * nh + h) * t + i] receives row i's log-sum-exp of the scaled scores.
     */
    public static void forward(float[] qkv, int qkvOff, float[] out, int outOff, float[] lse,
                               float[] scratch, int scratchOff, int b, int h, int t, int c, int nh) {
        int hd = c / nh, c3 = 3 * c;
        int base = qkvOff + b * t * c3 + h * hd;
        forward(qkv, base, c3, qkv, base + c, c3, qkv, base + 2 * c, c3, out, outOff + b * t * c + h * hd, c,
                lse, (b * nh + h) * t, scratch, scratchOff, t, t, true, hd);
    }

    /**
     * The general form of one head's attention, for an encoder (no causal mask, padded keys), a decoder's causal
     * self-attention and cross-attention (tq queries against other keys). Query row i is at
     * {@code qa[q + i * qs ..]}, key j at {@code ka[k + j * ks ..]}, value j at {@code va[v + j * vs ..]}, output row i
     * at {@code out[o + i * os ..]}, each hd wide (the offsets point at the head's first channel). Row i sees keys
     * j < keyLen (right padding masked to probability exactly 0) and, when causal, only j <= i. keyLen >= 1.
     * lse[lseOff + i] receives row i's log-sum-exp of the scaled scores.
     */
    public static void forward(float[] qa, int q, int qs, float[] ka, int k, int ks, float[] va, int v, int vs,
                               float[] out, int o, int os, float[] lse, int lseOff, float[] scratch, int scratchOff,
                               int tq, int keyLen, boolean causal, int hd) {
        float scale = (float) (1.0 / Math.sqrt(hd));
        int s = scratchOff, max = s + 2 * TILE_FLOATS, sum = max + QUERY_TILE;
        for (int i0 = 0; i0 < tq; i0 += QUERY_TILE) {
            int rows = Math.min(QUERY_TILE, tq - i0), end = i0 + rows, keys = keyLimit(end, keyLen, causal);
            int or = o + i0 * os;
            for (int j0 = 0; j0 < keys; j0 += KEY_TILE) {
                int cols = Math.min(KEY_TILE, keys - j0);
                Gemm.sgemm(false, true, rows, cols, hd, qa, q + i0 * qs, qs, ka, k + j0 * ks, ks, scratch, s, KEY_TILE, false);
                for (int r = 0; r < rows; r++) {
                    int row = s + r * KEY_TILE, n = visible(i0 + r, j0, cols, keyLen, causal);
                    Vec.scale(scratch, row, scale, n);
                    float old = j0 == 0 ? Float.NEGATIVE_INFINITY : scratch[max + r];
                    float m = Math.max(old, Vec.max(scratch, row, n));
                    float rowSum = Vec.expShiftSum(scratch, row, m, n);
                    java.util.Arrays.fill(scratch, row + n, row + cols, 0f);
                    if (j0 == 0) {
                        scratch[sum + r] = rowSum;
                    } else {
                        if (m != old) {
                            float alpha = VecMath.exp(old - m);
                            Vec.scale(out, or + r * os, alpha, hd);
                            scratch[sum + r] *= alpha;
                        }
                        scratch[sum + r] += rowSum;
                    }
                    scratch[max + r] = m;
                }
                // the first key tile overwrites the output rows, later ones add to them
                Gemm.sgemm(false, false, rows, hd, cols, scratch, s, KEY_TILE, va, v + j0 * vs, vs, out, or, os, j0 > 0);
            }
            for (int r = 0; r < rows; r++) {
                float l = scratch[sum + r];
                Vec.scale(out, or + r * os, 1f / l, hd);
                lse[lseOff + i0 + r] = scratch[max + r] + (float) Math.log(l);
            }
        }
    }

    /**
     * Backward for pair (b, h), from the forward's out and lse: D = rowsum(dY ∘ Y); per tile P = exp(S - L),
     * dP = dY Vᵀ, dS = P (dP - D) / sqrt(hd); dV += Pᵀ dY, dQ += dS K, dK += dSᵀ Q, accumulated into dqkv.
     */
    public static void backward(float[] qkv, int qkvOff, float[] out, int outOff, float[] lse, float[] dqkv, int dqkvOff,
                                float[] dout, int doutOff, float[] scratch, int scratchOff, int b, int h, int t, int c, int nh) {
        int hd = c / nh, c3 = 3 * c;
        int rel = b * t * c3 + h * hd, q = qkvOff + rel, dq = dqkvOff + rel, y = b * t * c + h * hd;
        backward(qkv, q, c3, qkv, q + c, c3, qkv, q + 2 * c, c3, dqkv, dq, dqkv, dq + c, dqkv, dq + 2 * c,
                out, outOff + y, dout, doutOff + y, c, lse, (b * nh + h) * t, scratch, scratchOff, t, t, true, hd);
    }

    /**
     * Backward of the general {@link #forward(float[], int, int, float[], int, int, float[], int, int, float[], int, int,
     * float[], int, float[], int, int, int, boolean, int) forward}: gradients accumulate into dqa/dka/dva at the
     * offsets dq/dk/dv with the strides of q, k and v; out and dout rows share the stride os.
     */
    public static void backward(float[] qa, int q, int qs, float[] ka, int k, int ks, float[] va, int v, int vs,
                                float[] dqa, int dq, float[] dka, int dk, float[] dva, int dv,
                                float[] out, int o, float[] dout, int dO, int os, float[] lse, int lseOff,
                                float[] scratch, int scratchOff, int tq, int keyLen, boolean causal, int hd) {
        float scale = (float) (1.0 / Math.sqrt(hd));
        int p = scratchOff, dp = p + TILE_FLOATS, rowDot = dp + TILE_FLOATS;
        for (int i0 = 0; i0 < tq; i0 += QUERY_TILE) {
            int rows = Math.min(QUERY_TILE, tq - i0), end = i0 + rows, keys = keyLimit(end, keyLen, causal);
            int y = o + i0 * os, dy = dO + i0 * os;
            // rowsum(P ∘ dP) = rowsum(dY ∘ Y): the softmax backward term without the [T, T] probabilities
            for (int r = 0; r < rows; r++) scratch[rowDot + r] = Vec.dot(dout, dy + r * os, out, y + r * os, hd);
            for (int j0 = 0; j0 < keys; j0 += KEY_TILE) {
                int cols = Math.min(KEY_TILE, keys - j0);
                Gemm.sgemm(false, true, rows, cols, hd, qa, q + i0 * qs, qs, ka, k + j0 * ks, ks, scratch, p, KEY_TILE, false);
                Gemm.sgemm(false, true, rows, cols, hd, dout, dy, os, va, v + j0 * vs, vs, scratch, dp, KEY_TILE, false);
                for (int r = 0; r < rows; r++) {
                    int pr = p + r * KEY_TILE, dpr = dp + r * KEY_TILE, n = visible(i0 + r, j0, cols, keyLen, causal);
                    probabilities(scratch, pr, scale, lse[lseOff + i0 + r], n);
                    scoreGradient(scratch, pr, dpr, scratch[rowDot + r], scale, n);
                    java.util.Arrays.fill(scratch, pr + n, pr + cols, 0f);
                    java.util.Arrays.fill(scratch, dpr + n, dpr + cols, 0f);
                }
                Gemm.sgemm(true, false, cols, hd, rows, scratch, p, KEY_TILE, dout, dy, os, dva, dv + j0 * vs, vs, true);
                Gemm.sgemm(false, false, rows, hd, cols, scratch, dp, KEY_TILE, ka, k + j0 * ks, ks, dqa, dq + i0 * qs, qs, true);
                Gemm.sgemm(true, false, cols, hd, rows, scratch, dp, KEY_TILE, qa, q + i0 * qs, qs, dka, dk + j0 * ks, ks, true);
            }
        }
    }

    /**
     * One query row's attention probabilities as the forward used them, for inspection: dst[j] = exp(q.k_j / sqrt(hd)
     * - lse) for j < keyLen, from the {@code lse} that forward wrote for that row (the backward pass recomputes them
     * the same way, with a dot product in place of its GEMM). Query at {@code qa[q ..]}, key j at {@code ka[k + j * ks ..]}, hd wide.
     */
    public static void rowProbabilities(float[] qa, int q, float[] ka, int k, int ks, float lse, int keyLen, int hd,
                                        float[] dst, int dstOff) {
        for (int j = 0; j < keyLen; j++) dst[dstOff + j] = Vec.dot(qa, q, ka, k + j * ks, hd);
        probabilities(dst, dstOff, (float) (1.0 / Math.sqrt(hd)), lse, keyLen);
    }

    /** Keys any row of a query tile ending (exclusive) at {@code end} may see. */
    private static int keyLimit(int end, int keyLen, boolean causal) {
        return causal ? Math.min(end, keyLen) : keyLen;
    }

    /**
     * Keys of the tile starting at j0 (cols wide) that query row i may attend to: u < keyLen and, when causal,
     * u <= i. At least one in the first tile, as key tiles are multiples of query tiles.
     */
    private static int visible(int i, int j0, int cols, int keyLen, boolean causal) {
        int limit = causal ? Math.min(i + 1, keyLen) : keyLen;
        return Math.max(0, Math.min(cols, limit - j0));
    }

    /** x[i] = exp(x[i] * scale - lse), the softmax probabilities recomputed from the raw scores. */
    static void probabilities(float[] x, int xo, float scale, float lse, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            VecMath.exp(FloatVector.fromArray(S, x, xo + i).mul(scale).sub(lse)).intoArray(x, xo + i);
        }
        for (; i < n; i++) x[xo + i] = VecMath.exp(x[xo + i] * scale - lse);
    }

    /** dp[i] = p[i] * (dp[i] - rowDot) * scale: the gradient of the scaled scores, in place of dP. */
    static void scoreGradient(float[] x, int po, int dpo, float rowDot, float scale, int n) {
        int i = 0, bound = S.loopBound(n);
        for (; i < bound; i += L) {
            FloatVector pv = FloatVector.fromArray(S, x, po + i);
            pv.mul(FloatVector.fromArray(S, x, dpo + i).sub(rowDot)).mul(scale).intoArray(x, dpo + i);
        }
        for (; i < n; i++) x[dpo + i] = x[po + i] * (x[dpo + i] - rowDot) * scale;
    }

    /** The plain-loop specification of {@link #forward}: two-pass softmax per row, in double for the exponentials. */
    public static void forwardScalar(float[] qkv, int qkvOff, float[] out, int outOff, float[] lse,
                                     int b, int h, int t, int c, int nh) {
        int hd = c / nh, c3 = 3 * c;
        float scale = (float) (1.0 / Math.sqrt(hd));
        int base = qkvOff + b * t * c3;
        float[] s = new float[t];
        double[] e = new double[t];
        for (int i = 0; i < t; i++) {
            int q = base + i * c3 + h * hd;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j <= i; j++) {
                int k = base + j * c3 + c + h * hd;
                float dot = 0f;
                for (int d = 0; d < hd; d++) dot += qkv[q + d] * qkv[k + d];
                s[j] = dot * scale;
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j <= i; j++) {
                e[j] = Math.exp(s[j] - max);
                sum += e[j];
            }
            int o = outOff + (b * t + i) * c + h * hd;
            for (int d = 0; d < hd; d++) {
                double acc = 0;
                for (int j = 0; j <= i; j++) acc += e[j] / sum * qkv[base + j * c3 + 2 * c + h * hd + d];
                out[o + d] = (float) acc;
            }
            lse[(b * nh + h) * t + i] = (float) (max + Math.log(sum));
        }
    }

    /** The plain-loop specification of {@link #backward}. */
    public static void backwardScalar(float[] qkv, int qkvOff, float[] out, int outOff, float[] lse, float[] dqkv, int dqkvOff,
                                      float[] dout, int doutOff, int b, int h, int t, int c, int nh) {
        int hd = c / nh, c3 = 3 * c;
        float scale = (float) (1.0 / Math.sqrt(hd));
        int rel = b * t * c3 + h * hd;
        for (int i = 0; i < t; i++) {
            int q = qkvOff + rel + i * c3, dq = dqkvOff + rel + i * c3;
            int y = outOff + (b * t + i) * c + h * hd, dy = doutOff + (b * t + i) * c + h * hd;
            float rowDot = 0f;
            for (int d = 0; d < hd; d++) rowDot += dout[dy + d] * out[y + d];
            for (int j = 0; j <= i; j++) {
                int k = qkvOff + rel + j * c3 + c, v = k + c, dk = dqkvOff + rel + j * c3 + c, dv = dk + c;
                float sc = 0f, dp = 0f;
                for (int d = 0; d < hd; d++) {
                    sc += qkv[q + d] * qkv[k + d];
                    dp += dout[dy + d] * qkv[v + d];
                }
                float p = (float) Math.exp(sc * scale - lse[(b * nh + h) * t + i]);
                float ds = p * (dp - rowDot) * scale;
                for (int d = 0; d < hd; d++) {
                    dqkv[dv + d] += p * dout[dy + d];
                    dqkv[dq + d] += ds * qkv[k + d];
                    dqkv[dk + d] += ds * qkv[q + d];
                }
            }
        }
    }
    /** The plain-loop specification of the general {@code forward}: two-pass softmax per row, exponentials in double. */
    public static void forwardScalar(float[] qa, int q, int qs, float[] ka, int k, int ks, float[] va, int v, int vs,
                                     float[] out, int o, int os, float[] lse, int lseOff, int tq, int keyLen, boolean causal, int hd) {
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] s = new float[keyLen];
        double[] e = new double[keyLen];
        for (int i = 0; i < tq; i++) {
            int n = causal ? Math.min(i + 1, keyLen) : keyLen;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                float dot = 0f;
                for (int d = 0; d < hd; d++) dot += qa[q + i * qs + d] * ka[k + j * ks + d];
                s[j] = dot * scale;
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) sum += e[j] = Math.exp(s[j] - max);
            for (int d = 0; d < hd; d++) {
                double acc = 0;
                for (int j = 0; j < n; j++) acc += e[j] / sum * va[v + j * vs + d];
                out[o + i * os + d] = (float) acc;
            }
            lse[lseOff + i] = (float) (max + Math.log(sum));
        }
    }

    /** The plain-loop specification of the general {@code backward}. */
    public static void backwardScalar(float[] qa, int q, int qs, float[] ka, int k, int ks, float[] va, int v, int vs,
                                      float[] dqa, int dq, float[] dka, int dk, float[] dva, int dv,
                                      float[] out, int o, float[] dout, int dO, int os, float[] lse, int lseOff,
                                      int tq, int keyLen, boolean causal, int hd) {
        float scale = (float) (1.0 / Math.sqrt(hd));
        for (int i = 0; i < tq; i++) {
            int n = causal ? Math.min(i + 1, keyLen) : keyLen;
            float rowDot = 0f;
            for (int d = 0; d < hd; d++) rowDot += dout[dO + i * os + d] * out[o + i * os + d];
            for (int j = 0; j < n; j++) {
                float sc = 0f, dp = 0f;
                for (int d = 0; d < hd; d++) {
                    sc += qa[q + i * qs + d] * ka[k + j * ks + d];
                    dp += dout[dO + i * os + d] * va[v + j * vs + d];
                }
                float p = (float) Math.exp(sc * scale - lse[lseOff + i]);
                float ds = p * (dp - rowDot) * scale;
                for (int d = 0; d < hd; d++) {
                    dva[dv + j * vs + d] += p * dout[dO + i * os + d];
                    dqa[dq + i * qs + d] += ds * ka[k + j * ks + d];
                    dka[dk + j * ks + d] += ds * qa[q + i * qs + d];
                }
            }
        }
    }
}
