package jgpt.model;

import jgpt.kernels.CachedAttention;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Parallel;

/**
 * Causal attention of consecutive query positions against one layer of the {@link KvCache}, split by heads
 * across the cores. Query row i sits at position start + i and sees positions [0, start + i].
 */
final class DecodeAttention implements IntRangeBody {
    private static final long PARALLEL_MIN = 1 << 14;

    private final int c, hd, cap;
    private final float scale;
    private final float[] scores; // [nHead, capacity]: each head owns a row, so threads never share one
    private float[] qkv, keys, values, y;
    private int start, rows, layer;
    private DecodeObserver observer;

    DecodeAttention(GptConfig cfg) {
        c = cfg.nEmbd();
        hd = cfg.headDim();
        cap = cfg.blockSize();
        scale = (float) (1.0 / Math.sqrt(hd));
        scores = new float[cfg.nHead() * cap];
    }

    /** Shows every head's attention weights to {@code observer} (null: nobody). */
    void observe(DecodeObserver observer) { this.observer = observer; }

    /** y[i*C, +C) for query rows i in [0, rows); queries at qkv[i*3C, +C). */
    void apply(int layer, float[] qkv, float[] keys, float[] values, int start, int rows, float[] y) {
        this.layer = layer;
        this.qkv = qkv;
        this.keys = keys;
        this.values = values;
        this.start = start;
        this.rows = rows;
        this.y = y;
        int heads = c / hd;
        if ((long) rows * (start + rows) * c < PARALLEL_MIN) run(0, heads);
        else Parallel.parallelFor(heads, this);
    }

    @Override
    public void run(int from, int to) {
        for (int h = from; h < to; h++) {
            for (int i = 0; i < rows; i++) {
                float inv = CachedAttention.head(qkv, i * 3 * c + h * hd, keys, h * hd * cap, cap, values, h * hd, c, hd,
                        start + i + 1, scale, scores, h * cap, y, i * c + h * hd);
                if (observer != null) observer.attention(layer, h, start + i, scores, h * cap, start + i + 1, inv);
            }
        }
    }
}
