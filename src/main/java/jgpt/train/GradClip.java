package jgpt.train;

/** Gradient clipping by global L2 norm (Pascanu et al. 2013), over one flat gradient array. */
public final class GradClip {
    private GradClip() {}

    /** Scales g so its norm is at most maxNorm (if maxNorm > 0); returns the norm before clipping. */
    public static float clip(float[] g, float maxNorm) {
        double sq = 0;
        for (float v : g) sq += (double) v * v;
        float norm = (float) Math.sqrt(sq);
        if (maxNorm > 0f && norm > maxNorm) {
            float scale = maxNorm / (norm + 1e-6f);
            for (int i = 0; i < g.length; i++) g[i] *= scale;
        }
        return norm;
    }
}
