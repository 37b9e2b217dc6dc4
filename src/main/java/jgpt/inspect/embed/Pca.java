package jgpt.inspect.embed;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealVector;

/**
 * Principal component analysis: the points (n, d) are centred and projected onto the eigenvectors of their
 * covariance matrix with the largest eigenvalues. The eigen-decomposition is Apache Commons Math's. Each axis's
 * sign is fixed so that its largest-magnitude component is positive (eigenvectors are defined up to sign).
 * <pre>{@code
 * double[][] xy = Pca.project(points, 2);
 * }</pre>
 */
public final class Pca {
    private Pca() {}

    /** Coordinates (n, k) of the points on the first k principal axes. */
    public static double[][] project(float[][] points, int k) {
        int n = points.length, d = points[0].length;
        double[] mean = new double[d];
        for (float[] p : points) for (int j = 0; j < d; j++) mean[j] += p[j] / (double) n;
        double[][] centred = new double[n][d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) centred[i][j] = points[i][j] - mean[j];
        double[][] cov = new double[d][d];
        for (double[] x : centred) {
            for (int a = 0; a < d; a++) {
                double xa = x[a];
                if (xa == 0) continue;
                double[] row = cov[a];
                for (int b = a; b < d; b++) row[b] += xa * x[b];
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= Math.max(1, n - 1);
                cov[b][a] = cov[a][b];
            }
        }
        double[][] axes = topEigenvectors(cov, k);
        double[][] out = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += centred[i][j] * axes[c][j];
                out[i][c] = s;
            }
        }
        return out;
    }

    /** Unit eigenvectors of a symmetric matrix for its k largest eigenvalues, largest first. */
    static double[][] topEigenvectors(double[][] symmetric, int k) {
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(symmetric, false));
        double[] values = eig.getRealEigenvalues();
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double[][] axes = new double[k][];
        for (int c = 0; c < k; c++) {
            double[] v = c < order.length ? eig.getEigenvector(order[c]).toArray() : new double[symmetric.length];
            int big = 0;
            for (int j = 1; j < v.length; j++) if (Math.abs(v[j]) > Math.abs(v[big])) big = j;
            if (v.length > 0 && v[big] < 0) for (int j = 0; j < v.length; j++) v[j] = -v[j];
            axes[c] = v;
        }
        return axes;
    }
}
