package jgpt.train;

import jgpt.kernels.Split;
import jgpt.kernels.Vec;

/** Gradient clipping by global L2 norm (Pascanu et al. 2013), over one flat gradient array. */
public final class GradClip {
    private GradClip() {}

    /** Scales g so its norm is at most maxNorm (if maxNorm > 0); returns the norm before clipping. */
    public static float clip(float[] g, float maxNorm) {
        int parts = Split.parts(g.length, Split.MIN_ITEMS);
        double[] partial = new double[parts];
        Split.parts(g.length, Split.MIN_ITEMS, 16, (part, from, to) -> partial[part] = sumOfSquares(g, from, to));
        double sq = 0;
        for (double p : partial) sq += p;
        float norm = (float) Math.sqrt(sq);
        if (maxNorm > 0f && norm > maxNorm) {
            float scale = maxNorm / (norm + 1e-6f);
            Split.range(g.length, (from, to) -> Vec.scale(g, from, scale, to - from));
        }
        return norm;
    }

    /** Sum of squares in double, from float dot products over blocks short enough to stay accurate. */
    private static double sumOfSquares(float[] g, int from, int to) {
        double sq = 0;
        for (int i = from; i < to; i += 1024) sq += Vec.dot(g, i, g, i, Math.min(1024, to - i));
        return sq;
    }
}
