package jgpt.translate;

import jgpt.autograd.Tape;
import jgpt.kernels.FlashAttentionKernel;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Parallel;
import jgpt.ops.Add;
import jgpt.ops.Embedding;
import jgpt.ops.Mul;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/**
 * Decodes one token per step for a batch of hypotheses with a KV cache: the sources are encoded once, each decoder
 * layer's cross-attention keys and values are projected once per source, and each step projects only the new
 * token's self-attention key and value and appends them to the cache. Hypothesis row r decodes source r / beams;
 * {@link #reorder} lets beam search move caches to the surviving hypotheses.
 */
public final class IncrementalDecoder {
    private final MarianModel m;
    private final int c, v, s, beams, rows, cap;
    private final int[] sourceLengths;
    private final float[][] crossK, crossV, selfK, selfV;
    private float[][] spareK, spareV;
    private final Tape tape = new Tape();
    private final float[] lse, work;
    private final int parts;
    private int t;
    private CrossAttentionObserver observer;
    private float[] observed;

    /**
     * Encodes {@code sources} (token ids, each ending with eos) and prepares caches for {@code beams} hypotheses per
     * source and up to {@code capacity} decoder positions.
     */
    public IncrementalDecoder(MarianModel model, int[][] sources, int beams, int capacity) {
        this.m = model;
        MarianConfig cfg = model.config();
        this.c = cfg.dModel();
        this.v = cfg.vocabSize();
        this.beams = beams;
        this.rows = sources.length * beams;
        if (capacity > cfg.maxPositions()) throw new IllegalArgumentException("capacity " + capacity + " exceeds max_position_embeddings");
        this.cap = capacity;
        int longest = 1;
        for (int[] src : sources) longest = Math.max(longest, src.length);
        this.s = longest;
        sourceLengths = new int[sources.length];
        int[] ids = new int[sources.length * s];
        java.util.Arrays.fill(ids, cfg.padId());
        for (int i = 0; i < sources.length; i++) {
            if (sources[i].length == 0) throw new IllegalArgumentException("empty source " + i);
            System.arraycopy(sources[i], 0, ids, i * s, sources[i].length);
            sourceLengths[i] = sources[i].length;
        }
        tape.setGradEnabled(false);
        Tensor enc = model.encode(tape, ids, sources.length, s, sourceLengths, null);
        int layers = cfg.decoderLayers();
        crossK = new float[layers][];
        crossV = new float[layers][];
        selfK = new float[layers][rows * cap * c];
        selfV = new float[layers][rows * cap * c];
        spareK = new float[layers][rows * cap * c];
        spareV = new float[layers][rows * cap * c];
        for (int l = 0; l < layers; l++) {
            MarianAttention cross = model.decoder.get(l).crossAttn;
            crossK[l] = cross.k.forward(tape, enc).toArray();
            crossV[l] = cross.v.forward(tape, enc).toArray();
        }
        tape.reset();
        int heads = cfg.decoderHeads();
        parts = Math.max(1, Math.min(rows * heads, Parallel.threads()));
        lse = new float[rows * heads];
        work = new float[parts * FlashAttentionKernel.SCRATCH];
    }

    public int rows() { return rows; }

    /** Shows the cross-attention weights of every step from now on to {@code observer} (null: nobody). */
    public void observe(CrossAttentionObserver observer) {
        this.observer = observer;
        if (observer != null && observed == null) observed = new float[parts * s];
    }

    /** Decoder positions filled so far. */
    public int length() { return t; }

    /** Length of the longest source, in tokens. */
    public int sourceLength() { return s; }

    /**
     * Feeds token {@code tokens[r]} at the next position of every row; returns the logits [rows * V] for the token
     * after it (with final_logits_bias).
     */
    public float[] step(int[] tokens) {
        if (tokens.length != rows) throw new IllegalArgumentException(tokens.length + " tokens for " + rows + " rows");
        if (t >= cap) throw new IllegalStateException("decoder cache full (" + cap + " positions)");
        MarianConfig cfg = m.config();
        Tensor tok = Mul.apply(tape, Embedding.apply(tape, m.shared, tokens, rows, 1),
                Tensor.of(Shape.of(), new float[] {cfg.scaleEmbedding() ? (float) Math.sqrt(c) : 1f}));
        Tensor x = Add.apply(tape, tok, new Tensor(m.positions.data(), m.positions.offset() + t * c, Shape.of(1, c), null, 0, null));
        for (int l = 0; l < cfg.decoderLayers(); l++) {
            DecoderLayer layer = m.decoder.get(l);
            MarianAttention self = layer.selfAttn;
            Tensor k = self.k.forward(tape, x), val = self.v.forward(tape, x);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(k.data(), k.offset() + r * c, selfK[l], (r * cap + t) * c, c);
                System.arraycopy(val.data(), val.offset() + r * c, selfV[l], (r * cap + t) * c, c);
            }
            Tensor a = attend(self.q.forward(tape, x), selfK[l], selfV[l], cap * c, 1, null, t + 1, self.heads, -1);
            x = layer.selfAttnNorm.forward(tape, Add.apply(tape, x, self.out.forward(tape, a)));
            MarianAttention cross = layer.crossAttn;
            a = attend(cross.q.forward(tape, x), crossK[l], crossV[l], s * c, beams, sourceLengths, 0, cross.heads, l);
            x = layer.crossAttnNorm.forward(tape, Add.apply(tape, x, cross.out.forward(tape, a)));
            x = layer.finalNorm.forward(tape, Add.apply(tape, x, layer.ffn.forward(tape, x, null)));
        }
        float[] logits = m.logits(tape, x).toArray();
        tape.reset();
        t++;
        return logits;
    }

    /**
     * One query per row against keys of row r / share at {@code keys[(r / share) * rowStride ..]}, each row seeing
     * {@code lengths[r / share]} keys (or {@code fixed} when lengths is null). {@code crossLayer} >= 0: the
     * cross-attention of that layer, whose weights go to the observer.
     */
    private Tensor attend(Tensor q, float[] keys, float[] values, int rowStride, int share, int[] lengths, int fixed, int heads,
                          int crossLayer) {
        CrossAttentionObserver watcher = crossLayer >= 0 ? observer : null;
        Tensor out = tape.output(Shape.of(rows, 1, c), false);
        int hd = c / heads, pairs = rows * heads;
        IntRangeBody body = (from, to) -> {
            for (int part = from; part < to; part++) {
                for (int rh = pairs * part / parts, end = pairs * (part + 1) / parts; rh < end; rh++) {
                    int r = rh / heads, head = (rh % heads) * hd, src = r / share, kv = src * rowStride + head;
                    int keyLen = lengths == null ? fixed : lengths[src];
                    FlashAttentionKernel.forward(q.data(), q.offset() + r * c + head, c, keys, kv, c, values, kv, c,
                            out.data(), out.offset() + r * c + head, c, lse, rh, work, part * FlashAttentionKernel.SCRATCH,
                            1, keyLen, false, hd);
                    if (watcher != null) {
                        FlashAttentionKernel.rowProbabilities(q.data(), q.offset() + r * c + head, keys, kv, c, lse[rh], keyLen, hd,
                                observed, part * s);
                        watcher.crossAttention(crossLayer, r, rh % heads, t, observed, part * s, keyLen);
                    }
                }
            }
        };
        Parallel.parallelFor(parts, body);
        return out;
    }

    /** Row r continues the hypothesis that was row {@code parent[r]}: its self-attention cache is copied over. */
    public void reorder(int[] parent) {
        int n = t * c;
        for (int l = 0; l < selfK.length; l++) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(selfK[l], parent[r] * cap * c, spareK[l], r * cap * c, n);
                System.arraycopy(selfV[l], parent[r] * cap * c, spareV[l], r * cap * c, n);
            }
            float[] k = selfK[l], val = selfV[l];
            selfK[l] = spareK[l];
            selfV[l] = spareV[l];
            spareK[l] = k;
            spareV[l] = val;
        }
    }
}
