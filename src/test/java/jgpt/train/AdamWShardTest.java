package jgpt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * ZeRO-1's pieces without MPI: optimizer shards that split the parameters (at a boundary inside a tensor) and
 * update them in turn give what one AdamW over everything gives, with decay, a frozen tensor and clipping (within
 * 1e-6: an element that moves between the kernel's vector loop and its scalar tail rounds (1-b2)*g*g in another
 * order); shard norms' squares add up to the whole gradient's.
 */
class AdamWShardTest {
    @Test
    void shardsUpdateLikeOneOptimizer() {
        GptConfig cfg = GptConfig.of(1, 2, 16, 8, 37, 0f, true);
        Gpt whole = Gpt.create(cfg, 5), sharded = Gpt.create(cfg, 5);
        int n = whole.parameters().count(), cut = n / 3 + 7; // not on a tensor boundary
        AdamW one = new AdamW(whole.parameters(), 0.9f, 0.95f, 1e-8f, 0.1f);
        AdamW a = new AdamW(sharded.parameters(), 0.9f, 0.95f, 1e-8f, 0.1f, 0, cut);
        AdamW b = new AdamW(sharded.parameters(), 0.9f, 0.95f, 1e-8f, 0.1f, cut, n);
        for (AdamW o : new AdamW[] {one, a, b}) o.freeze("wpe.weight");
        Rng rng = new Rng(11);
        for (int step = 0; step < 3; step++) {
            float[] g = whole.parameters().grad();
            for (int i = 0; i < n; i++) g[i] = rng.nextFloat() - 0.5f;
            System.arraycopy(g, 0, sharded.parameters().grad(), 0, n);
            float norm = new GradClip(g).norm();
            GradClip ca = new GradClip(g, 0, cut), cb = new GradClip(g, cut, n);
            assertEquals(norm, (float) Math.sqrt(ca.sumOfSquares() + cb.sumOfSquares()), 1e-6f * norm);
            float scale = GradClip.scaleFor(norm, 1f);
            one.step(1e-3f, scale);
            a.step(1e-3f, scale);
            b.step(1e-3f, scale);
        }
        assertArrayEquals(whole.parameters().data(), sharded.parameters().data(), 1e-6f);
        assertArrayEquals(one.firstMoment(), concat(a.firstMoment(), b.firstMoment()), 1e-6f);
        assertArrayEquals(one.secondMoment(), concat(a.secondMoment(), b.secondMoment()), 1e-6f);
        assertNotEquals(0f, maxChange(whole.parameters().data(), Gpt.create(cfg, 5).parameters().data()), "the steps changed the weights");
        assertEquals(cut, b.shardStart());
    }

    private static float maxChange(float[] x, float[] y) {
        float max = 0;
        for (int i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
        return max;
    }

    private static float[] concat(float[] x, float[] y) {
        float[] r = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }
}
