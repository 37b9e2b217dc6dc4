package jgpt.inspect;

import jgpt.model.DecodeObserver;
import jgpt.model.Decoder;
import jgpt.model.Gpt;

/**
 * The causal attention weights of every layer and head for one prompt, recorded from the {@link Decoder}'s own
 * attention kernel while it reads the prompt (no second implementation of the model).
 * <pre>{@code
 * AttentionMaps maps = AttentionMaps.of(model, ids);
 * float w = maps.weight(0, 3, 5, 2);   // layer 0, head 3: how much position 5 attends to position 2
 * }</pre>
 */
public final class AttentionMaps implements DecodeObserver {
    private final int t;
    private final float[][][] weights; // [layer][head][query * T + key], zero above the diagonal
    private float[] logits;

    private AttentionMaps(int layers, int heads, int t) {
        this.t = t;
        this.weights = new float[layers][heads][t * t];
    }

    /** Runs the prompt through a fresh fp32 decoder and keeps its attention weights and final logits. */
    public static AttentionMaps of(Gpt model, int[] ids) {
        var cfg = model.config();
        AttentionMaps maps = new AttentionMaps(cfg.nLayer(), cfg.nHead(), ids.length);
        Decoder decoder = new Decoder(model);
        decoder.observe(maps);
        maps.logits = decoder.prefill(ids).clone();
        return maps;
    }

    @Override
    public void attention(int layer, int head, int pos, float[] numerators, int off, int n, float inv) {
        float[] w = weights[layer][head];
        for (int j = 0; j < n; j++) w[pos * t + j] = numerators[off + j] * inv;
    }

    public int tokens() { return t; }

    public int layers() { return weights.length; }

    public int heads() { return weights[0].length; }

    /** How much query position {@code query} attends to key position {@code key} (0 when key > query). */
    public float weight(int layer, int head, int query, int key) { return weights[layer][head][query * t + key]; }

    /** One head's [T, T] map, row = query position (a copy). */
    public float[] map(int layer, int head) { return weights[layer][head].clone(); }

    /** Next-token logits after the prompt (what generation would sample from). */
    public float[] logits() { return logits; }
}
