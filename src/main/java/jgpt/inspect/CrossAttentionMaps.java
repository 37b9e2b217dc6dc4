package jgpt.inspect;

import jgpt.translate.CrossAttentionObserver;
import jgpt.translate.IncrementalDecoder;
import jgpt.translate.MarianConfig;
import jgpt.translate.MarianModel;

/**
 * The cross-attention weights of every decoder layer and head for one translation: row i is the step that chose
 * target token i (fed the token before it), column j a source token. Recorded from the {@link IncrementalDecoder}'s
 * own cross-attention while it reads the translation token by token, as greedy decoding does.
 * <pre>{@code
 * CrossAttentionMaps maps = CrossAttentionMaps.of(model, source, BeamSearch.translate(model, new int[][] {source}, st).get(0));
 * float w = maps.weight(1, 0, 2, 4);   // layer 1, head 0: how much target token 2 was drawn from source token 4
 * }</pre>
 */
public final class CrossAttentionMaps implements CrossAttentionObserver {
    private final int targets, sources;
    private final float[][][] weights; // [layer][head][target * S + source]

    private CrossAttentionMaps(int layers, int heads, int targets, int sources) {
        this.targets = targets;
        this.sources = sources;
        this.weights = new float[layers][heads][targets * sources];
    }

    /**
     * Feeds {@code decoded} (the decoder start token, then the translation's tokens) through a fresh incremental
     * decoder over {@code source} (ids ending with eos) and keeps the cross-attention of each step.
     */
    public static CrossAttentionMaps of(MarianModel model, int[] source, int[] decoded) {
        MarianConfig cfg = model.config();
        if (decoded.length < 2) throw new IllegalArgumentException("no target tokens after the start token");
        int n = decoded.length - 1;
        CrossAttentionMaps maps = new CrossAttentionMaps(cfg.decoderLayers(), cfg.decoderHeads(), n, source.length);
        IncrementalDecoder decoder = new IncrementalDecoder(model, new int[][] {source}, 1, n);
        decoder.observe(maps);
        for (int i = 0; i < n; i++) decoder.step(new int[] {decoded[i]});
        return maps;
    }

    @Override
    public void crossAttention(int layer, int row, int head, int pos, float[] w, int off, int n) {
        System.arraycopy(w, off, weights[layer][head], pos * sources, n);
    }

    /** Target tokens (rows). */
    public int targets() { return targets; }

    /** Source tokens (columns), eos included. */
    public int sources() { return sources; }

    public int layers() { return weights.length; }

    public int heads() { return weights[0].length; }

    /** How much target token {@code target} attended to source token {@code source}. */
    public float weight(int layer, int head, int target, int source) { return weights[layer][head][target * sources + source]; }

    /** One head's [targets, sources] map (a copy). */
    public float[] map(int layer, int head) { return weights[layer][head].clone(); }

    /** The mean over a layer's heads, [targets, sources]: where the layer as a whole looked. */
    public float[] headAverage(int layer) {
        float[] avg = new float[targets * sources];
        for (float[] h : weights[layer]) for (int i = 0; i < avg.length; i++) avg[i] += h[i];
        for (int i = 0; i < avg.length; i++) avg[i] /= weights[layer].length;
        return avg;
    }
}
