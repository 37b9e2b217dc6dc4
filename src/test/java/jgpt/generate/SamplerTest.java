package jgpt.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jgpt.UserException;
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
}
