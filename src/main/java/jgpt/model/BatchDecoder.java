package jgpt.model;

import jgpt.kernels.LayerNormKernel;
import jgpt.nn.LayerNorm;
import jgpt.tensor.Tensor;

/**
 * Decoding many sequences at once (continuous batching): each sequence owns a {@link KvCache} slot, and one
 * {@link #step} feeds one token to each of B sequences with every weight matrix read once for all of them
 * ({@link BatchMatVec}); attention runs per sequence over its own cache. Prompts go in with {@link #prefill},
 * a chunk at a time so a newcomer does not hold the others up for long. A sequence's logits are bitwise those
 * of a {@link Decoder} fed the same tokens, whatever else is in the batch. All buffers are allocated here.
 * <pre>{@code
 * BatchDecoder d = new BatchDecoder(model, WeightFormat.F32, 16);
 * float[] l = null;
 * for (int s = 0; s < prompt.length; s += BatchDecoder.CHUNK) l = d.prefill(slot, prompt, s);
 * float[] logits = d.step(new int[] {slotA, slotB}, new int[] {tokA, tokB}, 2); // [2, vocab]
 * }</pre>
 */
public final class BatchDecoder {
    /** Prompt tokens per {@link #prefill} call. */
    public static final int CHUNK = Decoder.PREFILL_CHUNK;

    private final Gpt model;
    private final GptConfig cfg;
    private final Decoder decoder; // holds the converted weights and does the prefills
    private final KvCache[] caches;
    private final int maxBatch;
    private final BatchMatVec mv;
    private final BatchAttention attention;
    private final float[] x, a, qkv, y, h, tmp, logits;
    private final int[] pos;

    public BatchDecoder(Gpt model, WeightFormat format, int maxBatch) {
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1: " + maxBatch);
        this.model = model;
        this.cfg = model.config();
        this.maxBatch = maxBatch;
        caches = new KvCache[maxBatch];
        for (int i = 0; i < maxBatch; i++) caches[i] = new KvCache(cfg);
        decoder = new Decoder(model, format, caches[0]);
        decoder.convertWeights(); // the batched step multiplies the converted [out, in] matrices directly
        int c = cfg.nEmbd(), b = maxBatch;
        mv = new BatchMatVec(b, Math.max(c, cfg.nInner()));
        attention = new BatchAttention(cfg, b);
        x = new float[b * c];
        a = new float[b * c];
        qkv = new float[b * 3 * c];
        y = new float[b * c];
        h = new float[b * cfg.nInner()];
        tmp = new float[b * c];
        logits = new float[b * cfg.vocabSize()];
        pos = new int[b];
    }

    public GptConfig config() { return cfg; }

    public int maxBatch() { return maxBatch; }

    /** Positions filled in slot's cache. */
    public int length(int slot) { return caches[slot].length(); }

    /** Empties a slot for a new sequence. */
    public void reset(int slot) { caches[slot].clear(); }

    /** Bytes of weights read per {@link #step} (the same for any batch size). */
    public long weightBytesPerStep() { return decoder.weightBytesPerToken(); }

    /**
     * Feeds prompt[from, min(from + CHUNK, prompt.length)) into slot, which holds exactly prompt[0, from);
     * returns the logits after the prompt's last token when this chunk ends the prompt (a buffer reused by the
     * next prefill), else null.
     */
    public float[] prefill(int slot, int[] prompt, int from) {
        if (from % CHUNK != 0 || from != caches[slot].length()) {
            throw new IllegalStateException("prefill chunks must come in order at multiples of " + CHUNK + " into an empty slot");
        }
        decoder.attach(caches[slot]);
        return decoder.prefillChunk(prompt, from, Math.min(prompt.length, from + CHUNK) - from);
    }

    /**
     * Feeds tokens[b] to sequence slots[b] for b in [0, batch), each at its own next position, and returns the
     * next-token logits as [batch, vocab] rows (a buffer reused by the next step).
     */
    public float[] step(int[] slots, int[] tokens, int batch) {
        if (batch < 1 || batch > maxBatch) throw new IllegalArgumentException("batch " + batch + " outside [1, " + maxBatch + "]");
        int c = cfg.nEmbd(), inner = cfg.nInner();
        for (int b = 0; b < batch; b++) {
            KvCache cache = caches[slots[b]];
            if (cache.isFull()) throw new IllegalStateException("context full in slot " + slots[b]);
            int t = tokens[b];
            if (t < 0 || t >= cfg.vocabSize()) throw new IndexOutOfBoundsException("token id " + t + " outside [0, " + cfg.vocabSize() + ")");
            pos[b] = cache.length();
            embed(t, pos[b], b * c);
        }
        for (int l = 0; l < cfg.nLayer(); l++) {
            Block blk = model.blocks.get(l);
            layerNorm(blk.ln1, x, a, batch);
            mv.apply(decoder.qkvW[l], a, batch, qkv, blk.attn.cAttn.bias, null, null);
            for (int b = 0; b < batch; b++) caches[slots[b]].put(l, pos[b], qkv, b * 3 * c + c, b * 3 * c + 2 * c);
            attention.apply(qkv, caches, slots, pos, batch, l, y);
            mv.apply(decoder.projW[l], y, batch, tmp, blk.attn.cProj.bias, null, x);
            layerNorm(blk.ln2, x, a, batch);
            mv.apply(decoder.fcW[l], a, batch, h, blk.mlp.cFc.bias, cfg.activation(), null);
            mv.apply(decoder.outW[l], h, batch, tmp, blk.mlp.cProj.bias, null, x);
        }
        for (int b = 0; b < batch; b++) caches[slots[b]].advance(1);
        layerNorm(model.lnF, x, a, batch);
        mv.apply(decoder.logitsW, a, batch, logits, null, null, null);
        return logits;
    }

    private void embed(int token, int p, int off) {
        int c = cfg.nEmbd();
        float[] w = model.wte.data(), wp = model.wpe.data();
        int te = model.wte.offset() + token * c, pe = model.wpe.offset() + p * c;
        for (int i = 0; i < c; i++) x[off + i] = w[te + i] + wp[pe + i];
    }

    private static void layerNorm(LayerNorm ln, float[] in, float[] out, int rows) {
        Tensor b = ln.bias;
        LayerNormKernel.forward(in, 0, out, 0, ln.weight.data(), ln.weight.offset(), b == null ? null : b.data(),
                b == null ? 0 : b.offset(), null, null, rows, ln.weight.size(), ln.eps());
    }
}
