package jgpt.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import jgpt.UserException;
import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private final float[] logits = {1f, 3f, 2f, 0.5f, 2.9f};

    @Test void greedyIsArgmax() {
        assertEquals(1, new Sampler(GenerationConfig.greedy(1), 5).sample(logits));
    }

    @Test void topKOneIsArgmax() {
        Sampler s = new Sampler(new GenerationConfig(1, 1.5f, 1, 1f, 9), 5);
        for (int i = 0; i < 50; i++) assertEquals(1, s.sample(logits));
    }

    @Test void tinyTopPIsArgmax() {
        Sampler s = new Sampler(new GenerationConfig(1, 1f, 0, 0.01f, 9), 5);
        for (int i = 0; i < 50; i++) assertEquals(1, s.sample(logits));
    }

    @Test void topKRestrictsToTheBest() {
        Sampler s = new Sampler(new GenerationConfig(1, 5f, 2, 1f, 4), 5);
        for (int i = 0; i < 200; i++) {
            int id = s.sample(logits);
            assertTrue(id == 1 || id == 4, "id " + id);
        }
    }

    @Test void frequenciesFollowTheSoftmax() {
        Sampler s = new Sampler(new GenerationConfig(1, 1f, 0, 1f, 5), 5);
        int[] counts = new int[5];
        int n = 200_000;
        for (int i = 0; i < n; i++) counts[s.sample(logits)]++;
        float[] p = new float[5];
        Sampler.softmax(logits, 1f, p);
        for (int i = 0; i < 5; i++) assertEquals(p[i], counts[i] / (double) n, 0.005, "id " + i);
    }

    @Test void sameSeedSameChoices() {
        Sampler a = new Sampler(new GenerationConfig(1, 1f, 0, 0.9f, 77), 5);
        Sampler b = new Sampler(new GenerationConfig(1, 1f, 0, 0.9f, 77), 5);
        for (int i = 0; i < 100; i++) assertEquals(a.sample(logits), b.sample(logits));
    }

    @Test void invalidSettingsAreUserErrors() {
        assertThrows(UserException.class, () -> new GenerationConfig(1, -0.1f, 0, 1f, 0));
        assertThrows(UserException.class, () -> new GenerationConfig(1, 1f, 0, 0f, 0));
        assertThrows(UserException.class, () -> new GenerationConfig(1, 1f, 0, 1.5f, 0));
        assertThrows(UserException.class, () -> new GenerationConfig(1, 1f, -1, 1f, 0));
        assertThrows(UserException.class, () -> new GenerationConfig(-1, 1f, 0, 1f, 0));
    }

    /**
     * The lazy ranking picks exactly what the textbook method picks: sort the whole vocabulary by probability
     * (ties: larger id first), cut at top-k, then at the smallest prefix reaching top-p, draw within it.
     */
    @Test void lazyRankingMatchesAFullSort() {
        Random gen = new Random(3);
        int v = 2000;
        float[][] settings = {{0, 1f}, {40, 1f}, {0, 0.9f}, {50, 0.95f}, {1, 1f}, {0, 0.3f}, {v, 0.999f}};
        for (float[] st : settings) {
            for (float temperature : new float[] {0.7f, 1f, 1.6f}) {
                GenerationConfig cfg = new GenerationConfig(1, temperature, (int) st[0], st[1], 11);
                Sampler lazy = new Sampler(cfg, v);
                Rng rng = new Rng(11);
                for (int draw = 0; draw < 30; draw++) {
                    float[] logits = new float[v];
                    for (int i = 0; i < v; i++) logits[i] = (float) (gen.nextGaussian() * 3) + (i % 97 == 0 ? 4f : 0f);
                    if (draw % 5 == 0) for (int i = 0; i < v; i += 7) logits[i] = logits[0];  // ties
                    int picked = lazy.sample(logits);
                    long[] order = fullSort(lazy.distribution());
                    assertEquals(referencePick(order, cfg, rng), picked, "setting " + Arrays.toString(st) + " T " + temperature + " draw " + draw);
                    for (int r = 0; r < 25; r++) assertEquals((int) order[r], lazy.rankedId(r), "rank " + r);
                    for (int r = 0; r < Math.min(lazy.candidates(), 25); r++) assertEquals((int) order[r], lazy.candidate(r));
                }
            }
        }
    }

    private static long[] fullSort(float[] probs) {
        long[] order = new long[probs.length];
        for (int i = 0; i < probs.length; i++) order[i] = ((long) Float.floatToRawIntBits(probs[i]) << 32) | i;
        Arrays.sort(order);
        for (int i = 0, j = order.length - 1; i < j; i++, j--) { long t = order[i]; order[i] = order[j]; order[j] = t; }
        return order;
    }

    private static int referencePick(long[] order, GenerationConfig cfg, Rng rng) {
        int keep = cfg.topK() > 0 ? Math.min(cfg.topK(), order.length) : order.length;
        double cumulative = 0;
        int kept = 0;
        boolean nucleus = cfg.topP() < 1f || keep < order.length;
        for (int r = 0; r < keep; r++) {
            cumulative += Float.intBitsToFloat((int) (order[r] >>> 32));
            kept++;
            if (nucleus && cumulative >= cfg.topP()) break;
        }
        double u = rng.nextDouble() * cumulative, acc = 0;
        for (int r = 0; r < kept; r++) {
            acc += Float.intBitsToFloat((int) (order[r] >>> 32));
            if (u < acc || r == kept - 1) return (int) order[r];
        }
        throw new AssertionError();
    }
}
