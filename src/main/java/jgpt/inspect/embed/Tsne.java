package jgpt.inspect.embed;

import jgpt.UserException;

/**
 * t-SNE (van der Maaten and Hinton, 2008) to two dimensions with the Barnes-Hut approximation
 * (van der Maaten, 2014), computed by the {@code de.javagl:bh-tsne} library; the points are first reduced to at
 * most 50 dimensions by PCA, as the reference bhtsne does. A fixed seed makes the picture reproducible.
 * <pre>{@code
 * double[][] xy = Tsne.project(points, 1337);
 * }</pre>
 */
public final class Tsne {
    private Tsne() {}

    /** The smallest number of points t-SNE accepts here (perplexity needs 3 * perplexity < n - 1). */
    public static final int MIN_POINTS = 5;

    /**
     * The library now and then flings a single point far from its cluster (two 12-d Gaussian clusters 20
     * standard deviations apart: in 3-5 of 10 seeds at 40 and at 100 points one point's 2-D nearest
     * neighbour is in the other cluster); few points make it more visible, so small lists get a warning.
     */
    public static final int RELIABLE_POINTS = 100;

    public static double[][] project(float[][] points, long seed) {
        int n = points.length;
        if (n < MIN_POINTS) throw new UserException("t-SNE needs at least " + MIN_POINTS + " words, got " + n + "; give more words or use --method pca");
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = new double[points[i].length];
            for (int j = 0; j < x[i].length; j++) x[i][j] = points[i][j];
        }
        de.javagl.tsne.Tsne tsne = new de.javagl.tsne.Tsne();
        tsne.setOutputDims(2);
        tsne.setInitialDims(Math.min(50, points[0].length));
        // the usual 30, lowered for a handful of points: each point needs 3 * perplexity neighbours
        tsne.setPerplexity(Math.min(30.0, (n - 1) / 3.0 - 0.01));
        tsne.setTheta(0.5);
        tsne.setMaxIterations(1000);
        tsne.setRandomSeed(seed);
        tsne.setMessageConsumer(m -> {});
        return tsne.run(x);
    }
}
