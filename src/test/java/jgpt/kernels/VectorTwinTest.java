package jgpt.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;

/** Every Vector API kernel against its scalar twin, on sizes that are not multiples of the vector length. */
class VectorTwinTest {
    static final int[] SIZES = {1, 3, 15, 16, 17, 33, 47, 64, 100, 129};
    private final Rng rng = new Rng(17);

    float[] random(int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextGaussian() * scale);
        return v;
    }

    static void assertClose(float[] expected, float[] actual, float tol, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            float d = Math.abs(expected[i] - actual[i]);
            if (!(d <= tol * Math.max(1f, Math.abs(expected[i])))) {
                throw new AssertionError(what + "[" + i + "]: " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    @Test void primitives() {
        for (int n : SIZES) {
            float[] a = random(n + 5, 1), b = random(n + 7, 1);
            assertEquals(Vec.dotScalar(a, 2, b, 3, n), Vec.dot(a, 2, b, 3, n), 1e-4f * n, "dot " + n);
            float s = 0, m = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) { s += a[1 + i]; m = Math.max(m, a[1 + i]); }
            assertEquals(s, Vec.sum(a, 1, n), 1e-4f * n, "sum " + n);
            assertEquals(m, Vec.max(a, 1, n), 0f, "max " + n);
            float[] y1 = b.clone(), y2 = b.clone();
            for (int i = 0; i < n; i++) y1[4 + i] += 0.3f * a[1 + i];
            Vec.axpy(0.3f, a, 1, y2, 4, n);
            assertClose(y1, y2, 1e-6f, "axpy " + n);
            float[] e1 = a.clone(), e2 = a.clone();
            float sum1 = 0;
            for (int i = 0; i < n; i++) { e1[i] = (float) Math.exp(e1[i] - 0.5f); sum1 += e1[i]; }
            float sum2 = Vec.expShiftSum(e2, 0, 0.5f, n);
            assertClose(e1, e2, 1e-6f, "exp " + n);
            assertEquals(sum1, sum2, 1e-5f * n, "exp sum " + n);
        }
    }

    @Test void layerNorm() {
        for (int c : SIZES) {
            int rows = 3;
            float[] x = random(rows * c + 2, 2), w = random(c, 1), b = random(c, 1), dout = random(rows * c, 1);
            float[] o1 = new float[rows * c], o2 = new float[rows * c], m1 = new float[rows], r1 = new float[rows], m2 = new float[rows], r2 = new float[rows];
            LayerNormKernel.forwardScalar(x, 2, o1, 0, w, 0, b, 0, m1, r1, rows, c, 1e-5f);
            LayerNormKernel.forward(x, 2, o2, 0, w, 0, b, 0, m2, r2, rows, c, 1e-5f);
            assertClose(o1, o2, 2e-5f, "ln forward " + c);
            float[] dx1 = new float[rows * c + 2], dx2 = new float[rows * c + 2], dw1 = new float[c], dw2 = new float[c], db1 = new float[c], db2 = new float[c];
            LayerNormKernel.backwardScalar(dout, 0, x, 2, w, 0, m1, r1, dx1, 2, dw1, 0, db1, 0, rows, c);
            LayerNormKernel.backward(dout, 0, x, 2, w, 0, m1, r1, dx2, 2, dw2, 0, db2, 0, rows, c);
            assertClose(dx1, dx2, 1e-4f, "ln dx " + c);
            assertClose(dw1, dw2, 1e-5f, "ln dw " + c);
            assertClose(db1, db2, 1e-5f, "ln db " + c);
        }
    }

    @Test void gelu() {
        for (int n : SIZES) {
            float[] x = random(n + 1, 3), d = random(n, 1);
            float[] o1 = new float[n], o2 = new float[n], o3 = new float[n], sig = new float[n + 2];
            float[] g1 = new float[n + 1], g2 = new float[n + 1];
            ActivationKernel.geluForwardScalar(x, 1, o1, 0, n);
            ActivationKernel.geluForward(x, 1, o2, 0, n);
            ActivationKernel.geluForward(x, 1, o3, 0, sig, 2, n);
            assertClose(o1, o2, 1e-6f, "gelu " + n);
            assertArrayEquals(o2, o3, "gelu keeping its slope " + n);
            ActivationKernel.geluBackwardScalar(x, 1, d, 0, g1, 1, n);
            ActivationKernel.geluBackward(sig, 2, d, 0, g2, 1, n);
            assertClose(g1, g2, 1e-5f, "gelu' " + n);
        }
    }

    /** The scalar tails compute the same bits as the vector lanes, so results do not depend on where a slice starts. */
    @Test void geluTailMatchesLanes() {
        int n = 3 * Vec.L + 5;
        float[] x = random(n, 4), d = random(n, 1);
        float[] extremes = {0f, -0f, 1e-30f, -1e-30f, 10.5f, -10.5f, 19f, -19f, 25f, -25f, 1e4f, -1e4f, 3e12f, -3e12f};
        System.arraycopy(extremes, 0, x, 0, extremes.length);
        float[] lanes = new float[n], tails = new float[n], gLanes = new float[n], gTails = new float[n];
        float[] sLanes = new float[n], sTails = new float[n];
        ActivationKernel.geluForward(x, 0, lanes, 0, sLanes, 0, n);
        ActivationKernel.geluBackward(sLanes, 0, d, 0, gLanes, 0, n);
        for (int i = 0; i < n; i++) {
            ActivationKernel.geluForward(x, i, tails, i, sTails, i, 1);
            ActivationKernel.geluBackward(sTails, i, d, i, gTails, i, 1);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(lanes[i]), Float.floatToIntBits(tails[i]), "gelu(" + x[i] + ")");
            assertEquals(Float.floatToIntBits(gLanes[i]), Float.floatToIntBits(gTails[i]), "gelu'(" + x[i] + ")");
        }
        float[] spec = new float[n], gSpec = new float[n];
        ActivationKernel.geluForwardScalar(x, 0, spec, 0, n);
        ActivationKernel.geluBackwardScalar(x, 0, d, 0, gSpec, 0, n);
        assertClose(spec, lanes, 1e-6f, "gelu with extremes");
        assertClose(gSpec, gLanes, 1e-5f, "gelu' with extremes");
    }

    @Test void geluExact() {
        for (int n : SIZES) {
            float[] x = random(n + 1, 3), d = random(n, 1);
            float[] o1 = new float[n], o2 = new float[n], g1 = new float[n + 1], g2 = new float[n + 1];
            GeluErfKernel.forwardScalar(x, 1, o1, 0, n);
            GeluErfKernel.forward(x, 1, o2, 0, n);
            assertClose(o1, o2, 1e-6f, "gelu(erf) " + n);
            GeluErfKernel.backwardScalar(x, 1, d, 0, g1, 1, n);
            GeluErfKernel.backward(x, 1, d, 0, g2, 1, n);
            assertClose(g1, g2, 1e-5f, "gelu(erf)' " + n);
        }
        // against known values of x * Phi(x)
        float[] x = {-3f, -1f, 0f, 0.5f, 2f}, out = new float[5];
        GeluErfKernel.forward(x, 0, out, 0, 5);
        double[] expected = {-0.0040496, -0.1586553, 0, 0.3457312, 1.9544997};
        for (int i = 0; i < 5; i++) assertEquals(expected[i], out[i], 2e-6, "gelu(" + x[i] + ")");
    }

    @Test void crossEntropy() {
        for (int v : SIZES) {
            int rows = 4;
            float[] logits = random(rows * v + 3, 2);
            int[] targets = {0, v - 1, -1, v / 2};
            float[] l1 = new float[rows], l2 = new float[rows], s1 = new float[rows], s2 = new float[rows];
            SoftmaxKernel.crossEntropyForwardScalar(logits, 3, targets, l1, s1, rows, v);
            SoftmaxKernel.crossEntropyForward(logits, 3, targets, l2, s2, 0, rows, v);
            assertClose(l1, l2, 1e-5f, "ce " + v);
            float[] d1 = new float[rows * v], d2 = new float[rows * v];
            SoftmaxKernel.crossEntropyBackwardScalar(logits, 3, targets, s1, d1, 0, rows, v, 0.25f);
            SoftmaxKernel.crossEntropyBackward(logits, 3, targets, s1, d2, 0, 0, rows, v, 0.25f);
            assertClose(d1, d2, 1e-6f, "ce grad " + v);
        }
    }

    @Test void adamW() {
        for (int n : SIZES) {
            float[] p1 = random(n + 4, 1), g = random(n + 4, 0.1), m1 = random(n + 4, 0.01), v1 = random(n + 4, 0.01);
            for (int i = 0; i < v1.length; i++) v1[i] = Math.abs(v1[i]);
            float[] p2 = p1.clone(), m2 = m1.clone(), v2 = v1.clone();
            AdamWKernel.stepScalar(p1, g, 0.75f, m1, v1, 2, n + 2, 1e-3f, 0.9f, 0.95f, 1e-8f, 0.1f, 7);
            AdamWKernel.step(p2, g, 0.75f, m2, v2, 2, n + 2, 1e-3f, 0.9f, 0.95f, 1e-8f, 0.1f, 7);
            assertClose(p1, p2, 1e-6f, "adamw p " + n);
            assertClose(m1, m2, 1e-7f, "adamw m " + n);
            assertClose(v1, v2, 1e-7f, "adamw v " + n);
        }
    }

    @Test void attention() {
        for (int[] shape : new int[][] {{1, 7}, {5, 7}, {16, 40}, {17, 33}, {33, 70}}) {
            int hd = shape[0], t = shape[1], b = 2, nh = 3, c = hd * nh;
            float[] qkv = random(b * t * 3 * c + 1, 1), dout = random(b * t * c, 1);
            float[] o1 = new float[b * t * c], o2 = new float[b * t * c], a1 = new float[b * nh * t * t], a2 = new float[b * nh * t * t];
            float[] mask = new float[a1.length];
            for (int i = 0; i < mask.length; i++) mask[i] = rng.nextFloat() < 0.2f ? 0f : 1.25f;
            float[] d1 = new float[qkv.length], d2 = new float[qkv.length], scratch = new float[t];
            float[] dropped = new float[a1.length], dp = new float[3 + AttentionKernel.TILE * t];
            for (int bh = 0; bh < b * nh; bh++) {
                AttentionKernel.forwardScalar(qkv, 1, o1, 0, a1, mask, bh / nh, bh % nh, t, c, nh);
                AttentionKernel.forward(qkv, 1, o2, 0, a2, mask, dropped, bh / nh, bh % nh, t, c, nh);
                AttentionKernel.backwardScalar(qkv, 1, d1, 1, dout, 0, a1, mask, scratch, bh / nh, bh % nh, t, c, nh);
                AttentionKernel.backward(qkv, 1, d2, 1, dout, 0, a2, mask, dropped, dp, 3, bh / nh, bh % nh, t, c, nh);
            }
            assertClose(o1, o2, 1e-5f, "attention out hd=" + hd);
            assertClose(a1, a2, 1e-5f, "attention probabilities hd=" + hd);
            assertClose(d1, d2, 1e-5f, "attention dqkv hd=" + hd);
        }
    }
}
