package jgpt.train;

import jgpt.kernels.Split;
import jgpt.kernels.Vec;

/**
 * Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_) over one flat gradient array: the norm, and the
 * factor to scale the gradients by, which AdamW applies as it reads them (as llm.c does), so clipping costs no pass
 * over the gradients of its own. An instance keeps its per-range partial sums, so every step allocates nothing.
 * <pre>{@code
 * GradClip clip = new GradClip(model.parameters().grad());
 * float norm = clip.norm();
 * opt.step(lr, GradClip.scaleFor(norm, 1f));
 * }</pre>
 */
public final class GradClip {
    private final float[] g;
    private final double[] partial;
    private final Split.PartBody squares;

    private final int lo, length;

    public GradClip(float[] g) {
        this(g, 0, g.length);
    }

    /** Over g[lo, hi) only: an optimizer shard's gradients (see {@link AdamW}). */
    public GradClip(float[] g, int lo, int hi) {
        this.g = g;
        this.lo = lo;
        this.length = hi - lo;
        this.partial = new double[Split.parts(length, Split.MIN_ITEMS)];
        this.squares = (part, from, to) -> partial[part] = sumOfSquares(g, lo + from, lo + to);
    }

    /** The global L2 norm of the gradient. */
    public float norm() {
        return (float) Math.sqrt(sumOfSquares());
    }

    /** The squared norm, in double (shards add theirs across ranks before the square root). */
    public double sumOfSquares() {
        Split.parts(length, Split.MIN_ITEMS, 16, squares);
        double sq = 0;
        for (double p : partial) sq += p;
        return sq;
    }

    /** The factor clip_grad_norm_ scales gradients of this norm by: maxNorm / (norm + 1e-6) above maxNorm (if > 0), else 1. */
    public static float scaleFor(float norm, float maxNorm) {
        return maxNorm > 0f && norm > maxNorm ? maxNorm / (norm + 1e-6f) : 1f;
    }

    /** Sum of squares in double, from float dot products over blocks short enough to stay accurate. */
    private static double sumOfSquares(float[] g, int from, int to) {
        double sq = 0;
        for (int i = from; i < to; i += 1024) sq += Vec.dot(g, i, g, i, Math.min(1024, to - i));
        return sq;
    }
}
