package jgpt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;

class GradClipTest {
    private static Gpt model(int seed) {
        return Gpt.create(GptConfig.of(1, 2, 16, 8, 37, 0f, true), seed);
    }

    private static void randomGradients(Gpt m, Rng rng, float size) {
        float[] g = m.parameters().grad();
        for (int i = 0; i < g.length; i++) g[i] = size * (rng.nextFloat() - 0.5f);
    }

    @Test void normIsTheL2NormOfTheWholeGradient() {
        Gpt m = model(1);
        randomGradients(m, new Rng(3), 0.1f);
        double sq = 0;
        for (float x : m.parameters().grad()) sq += (double) x * x;
        assertEquals(Math.sqrt(sq), new GradClip(m.parameters().grad()).norm(), 1e-6 * Math.sqrt(sq));
    }

    @Test void scaleIsOneBelowTheLimitAndShrinksToItAbove() {
        assertEquals(1f, GradClip.scaleFor(0.5f, 1f));
        assertEquals(1f, GradClip.scaleFor(5f, 0f), "maxNorm 0 turns clipping off");
        assertEquals(1f / (4f + 1e-6f), GradClip.scaleFor(4f, 1f));
    }

    /** clip_grad_norm_ as torch does it: the gradients scaled in place, then an ordinary step reads them. */
    private static float clipInPlace(Gpt m, float maxNorm) {
        float[] g = m.parameters().grad();
        float norm = new GradClip(g).norm();
        float s = GradClip.scaleFor(norm, maxNorm);
        for (int i = 0; i < g.length; i++) g[i] *= s;
        return norm;
    }

    /** AdamW reading the gradients scaled by scaleFor gives exactly what clipping them first and stepping gives. */
    @Test void clippingInsideAdamWMatchesClippingFirst() {
        Gpt a = model(5), b = model(5);
        AdamW optA = new AdamW(a.parameters(), 0.9f, 0.95f, 1e-8f, 0.1f);
        AdamW optB = new AdamW(b.parameters(), 0.9f, 0.95f, 1e-8f, 0.1f);
        GradClip clipB = new GradClip(b.parameters().grad());
        for (int step = 0; step < 4; step++) {
            float size = step % 2 == 0 ? 2f : 1e-3f; // alternately above and below the limit
            randomGradients(a, new Rng(10 + step), size);
            randomGradients(b, new Rng(10 + step), size);
            float normA = clipInPlace(a, 1f);
            optA.step(1e-3f);
            float normB = clipB.norm();
            optB.step(1e-3f, GradClip.scaleFor(normB, 1f));
            assertEquals(normA, normB);
            assertArrayEquals(a.parameters().data(), b.parameters().data(), "parameters after step " + step);
            assertArrayEquals(optA.firstMoment(), optB.firstMoment());
            assertArrayEquals(optA.secondMoment(), optB.secondMoment());
        }
    }
}
