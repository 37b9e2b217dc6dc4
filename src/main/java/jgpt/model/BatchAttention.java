package jgpt.model;

import jgpt.kernels.CachedAttention;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Parallel;

/**
 * One decode step of causal attention for a batch of sequences, each against its own {@link KvCache}: the
 * (sequence, head) pairs are split across the cores in one hand-off. Row b's query sits at position pos[b].
 */
final class BatchAttention implements IntRangeBody {
    private static final long PARALLEL_MIN = 1 << 14;

    private final int c, hd, cap, heads;
    private final float scale;
    private final float[] scores; // [maxBatch * nHead, capacity]: one row per pair, so threads never share one
    private float[] qkv, y;
    private KvCache[] caches;
    private int[] slots, pos;
    private int layer;

    BatchAttention(GptConfig cfg, int maxBatch) {
        c = cfg.nEmbd();
        hd = cfg.headDim();
        cap = cfg.blockSize();
        heads = cfg.nHead();
        scale = (float) (1.0 / Math.sqrt(hd));
        scores = new float[maxBatch * heads * cap];
    }

    /** y[b*C, +C) for b in [0, batch): the query of row b at qkv[b*3C, +C) against caches[slots[b]]. */
    void apply(float[] qkv, KvCache[] caches, int[] slots, int[] pos, int batch, int layer, float[] y) {
        this.qkv = qkv;
        this.caches = caches;
        this.slots = slots;
        this.pos = pos;
        this.layer = layer;
        this.y = y;
        long work = 0;
        for (int b = 0; b < batch; b++) work += (long) (pos[b] + 1) * c;
        if (work < PARALLEL_MIN) run(0, batch * heads);
        else Parallel.parallelFor(batch * heads, this);
    }

    @Override
    public void run(int from, int to) {
        for (int i = from; i < to; i++) {
            int b = i / heads, h = i % heads;
            KvCache cache = caches[slots[b]];
            CachedAttention.head(qkv, b * 3 * c + h * hd, cache.keys[layer], h * hd * cap, cap, cache.values[layer],
                    h * hd, c, hd, pos[b] + 1, scale, scores, i * cap, y, b * c + h * hd);
        }
    }
}
