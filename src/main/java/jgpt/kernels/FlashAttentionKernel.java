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
        float scale = (float) (1.0 / Math.sqrt(hd));
        int base = qkvOff + b * t * c3, q = base + h * hd, k = base + c + h * hd, v = base + 2 * c + h * hd;
        int lseBase = (b * nh + h) * t;
        int s = scratchOff, max = s + 2 * TILE_FLOATS, sum = max + QUERY_TILE;
        for (int i0 = 0; i0 < t; i0 += QUERY_TILE) {
            int rows = Math.min(QUERY_TILE, t - i0), end = i0 + rows;
            int o = outOff + (b * t + i0) * c + h * hd;
            for (int j0 = 0; j0 < end; j0 += KEY_TILE) {
                int cols = Math.min(KEY_TILE, end - j0);
                Gemm.sgemm(false, true, rows, cols, hd, qkv, q + i0 * c3, c3, qkv, k + j0 * c3, c3, scratch, s, KEY_TILE, false);
                for (int r = 0; r < rows; r++) {
                    int row = s + r * KEY_TILE, n = visible(i0 + r, j0, cols);
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
                            Vec.scale(out, o + r * c, alpha, hd);
                            scratch[sum + r] *= alpha;
                        }
                        scratch[sum + r] += rowSum;
                    }
                    scratch[max + r] = m;
                }
                // the first key tile overwrites the output rows, later ones add to them
                Gemm.sgemm(false, false, rows, hd, cols, scratch, s, KEY_TILE, qkv, v + j0 * c3, c3, out, o, c, j0 > 0);
            }
            for (int r = 0; r < rows; r++) {
                float l = scratch[sum + r];
                Vec.scale(out, o + r * c, 1f / l, hd);
                lse[lseBase + i0 + r] = scratch[max + r] + (float) Math.log(l);
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
        float scale = (float) (1.0 / Math.sqrt(hd));
        int rel = b * t * c3 + h * hd;
        int q = qkvOff + rel, k = qkvOff + rel + c, v = qkvOff + rel + 2 * c;
        int dq = dqkvOff + rel, dk = dqkvOff + rel + c, dv = dqkvOff + rel + 2 * c;
        int lseBase = (b * nh + h) * t;
        int p = scratchOff, dp = p + TILE_FLOATS, rowDot = dp + TILE_FLOATS;
        for (int i0 = 0; i0 < t; i0 += QUERY_TILE) {
            int rows = Math.min(QUERY_TILE, t - i0), end = i0 + rows;
            int y = outOff + (b * t + i0) * c + h * hd, dy = doutOff + (b * t + i0) * c + h * hd;
            // rowsum(P ∘ dP) = rowsum(dY ∘ Y): the softmax backward term without the [T, T] probabilities
            for (int r = 0; r < rows; r++) scratch[rowDot + r] = Vec.dot(dout, dy + r * c, out, y + r * c, hd);
            for (int j0 = 0; j0 < end; j0 += KEY_TILE) {
                int cols = Math.min(KEY_TILE, end - j0);
                Gemm.sgemm(false, true, rows, cols, hd, qkv, q + i0 * c3, c3, qkv, k + j0 * c3, c3, scratch, p, KEY_TILE, false);
                Gemm.sgemm(false, true, rows, cols, hd, dout, dy, c, qkv, v + j0 * c3, c3, scratch, dp, KEY_TILE, false);
                for (int r = 0; r < rows; r++) {
                    int pr = p + r * KEY_TILE, dpr = dp + r * KEY_TILE, n = visible(i0 + r, j0, cols);
                    probabilities(scratch, pr, scale, lse[lseBase + i0 + r], n);
                    scoreGradient(scratch, pr, dpr, scratch[rowDot + r], scale, n);
                    java.util.Arrays.fill(scratch, pr + n, pr + cols, 0f);
                    java.util.Arrays.fill(scratch, dpr + n, dpr + cols, 0f);
                }
                int kt = j0 * c3;
                Gemm.sgemm(true, false, cols, hd, rows, scratch, p, KEY_TILE, dout, dy, c, dqkv, dv + kt, c3, true);
                Gemm.sgemm(false, false, rows, hd, cols, scratch, dp, KEY_TILE, qkv, k + kt, c3, dqkv, dq + i0 * c3, c3, true);
                Gemm.sgemm(true, false, cols, hd, rows, scratch, dp, KEY_TILE, qkv, q + i0 * c3, c3, dqkv, dk + kt, c3, true);
            }
        }
    }

    /** Keys of the tile starting at j0 (cols wide) that query row i may attend to (u <= i). */
    private static int visible(int i, int j0, int cols) {
        return Math.max(0, Math.min(cols, i + 1 - j0));
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
}
