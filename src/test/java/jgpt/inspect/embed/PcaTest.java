package jgpt.inspect.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** PCA coordinates against a direct eigen-decomposition of the covariance computed here by power iteration. */
class PcaTest {
    @Test
    void coordinatesMatchPowerIterationEigenvectorsUpToSign() {
        int n = 40, d = 6;
        Random r = new Random(11);
        double[] scale = {5, 3, 1.5, 0.7, 0.3, 0.1}; // distinct spreads: well-separated eigenvalues
        float[][] points = new float[n][d];
        double[][] mix = randomRotation(d, r);
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int j = 0; j < d; j++) z[j] = r.nextGaussian() * scale[j];
            for (int a = 0; a < d; a++) {
                double s = 2.0; // an offset PCA must remove
                for (int b = 0; b < d; b++) s += mix[a][b] * z[b];
                points[i][a] = (float) s;
            }
        }
        double[][] xy = Pca.project(points, 2);

        double[] mean = new double[d];
        for (float[] p : points) for (int j = 0; j < d; j++) mean[j] += p[j] / (double) n;
        double[][] cov = new double[d][d];
        for (float[] p : points) {
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) cov[a][b] += (p[a] - mean[a]) * (p[b] - mean[b]) / (n - 1);
        }
        for (int c = 0; c < 2; c++) {
            double[] v = powerIteration(cov);
            double lambda = rayleigh(cov, v);
            double[] expected = new double[n];
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) expected[i] += (points[i][j] - mean[j]) * v[j];
            double sign = Math.signum(dot(expected, column(xy, c)));
            for (int i = 0; i < n; i++) assertEquals(expected[i], sign * xy[i][c], 1e-4 * Math.sqrt(lambda), "point " + i + " axis " + c);
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) cov[a][b] -= lambda * v[a] * v[b]; // deflate
        }
    }

    private static double[] powerIteration(double[][] m) {
        int d = m.length;
        double[] v = new double[d];
        java.util.Arrays.fill(v, 1 / Math.sqrt(d));
        for (int it = 0; it < 5000; it++) {
            double[] w = new double[d];
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) w[a] += m[a][b] * v[b];
            double norm = Math.sqrt(dot(w, w));
            for (int a = 0; a < d; a++) v[a] = w[a] / norm;
        }
        return v;
    }

    private static double rayleigh(double[][] m, double[] v) {
        double s = 0;
        for (int a = 0; a < v.length; a++) for (int b = 0; b < v.length; b++) s += v[a] * m[a][b] * v[b];
        return s;
    }

    /** An orthogonal matrix from Gram-Schmidt on random columns. */
    private static double[][] randomRotation(int d, Random r) {
        double[][] q = new double[d][];
        for (int i = 0; i < d; i++) {
            double[] v = new double[d];
            for (int j = 0; j < d; j++) v[j] = r.nextGaussian();
            for (int k = 0; k < i; k++) {
                double p = dot(v, q[k]);
                for (int j = 0; j < d; j++) v[j] -= p * q[k][j];
            }
            double norm = Math.sqrt(dot(v, v));
            for (int j = 0; j < d; j++) v[j] /= norm;
            q[i] = v;
        }
        return q;
    }

    private static double[] column(double[][] m, int c) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) out[i] = m[i][c];
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
