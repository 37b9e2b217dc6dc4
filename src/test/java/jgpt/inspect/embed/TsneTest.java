package jgpt.inspect.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jgpt.UserException;
import org.junit.jupiter.api.Test;

/** t-SNE keeps two far-apart clusters apart, is reproducible for a seed, and refuses too few points. */
class TsneTest {
    @Test
    void separatedClustersStaySeparated() {
        int n = 100, d = 12;
        Random r = new Random(5);
        float[][] points = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) points[i][j] = (float) (r.nextGaussian() + (i < n / 2 ? 0 : (j == 0 ? 20 : 0)));
        }
        double[][] xy = Tsne.project(points, 1);
        assertEquals(n, xy.length);
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            int nearest = -1;
            double best = Double.MAX_VALUE;
            for (int k = 0; k < n; k++) {
                if (k == i) continue;
                double dist = Math.hypot(xy[i][0] - xy[k][0], xy[i][1] - xy[k][1]);
                if (dist < best) { best = dist; nearest = k; }
            }
            if ((i < n / 2) != (nearest < n / 2)) wrong++;
            assertTrue(Double.isFinite(xy[i][0]) && Double.isFinite(xy[i][1]));
        }
        // bh-tsne now and then flings a single point away from its cluster (see Tsne.RELIABLE_POINTS); allow 5 %
        assertTrue(wrong <= n / 20, wrong + " of " + n + " points have their 2-D nearest neighbour in the other cluster");
        double[][] again = Tsne.project(points, 1);
        for (int i = 0; i < n; i++) assertArrayEquals(xy[i], again[i], 1e-9);
    }

    @Test
    void tooFewPointsIsAUserError() {
        assertThrows(UserException.class, () -> Tsne.project(new float[3][4], 1));
    }
}
