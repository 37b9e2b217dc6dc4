package jgpt.model;

import jgpt.kernels.ActivationKernel;
import jgpt.kernels.Gemm;
import jgpt.kernels.LayerNormKernel;
import jgpt.nn.LayerNorm;
import jgpt.nn.Linear;
import jgpt.tensor.Tensor;

/**
 * Incremental inference with a {@link KvCache}: each call feeds one token at the next position and returns
 * the logits for the token after it. Batch-1 decoding is bound by memory bandwidth, so every weight matrix is
 * held [out, in] in the chosen {@link WeightFormat} and streamed once per token, both cores splitting its rows
 * (see {@link MatVec}). All buffers are allocated here, once. Same math as {@link Gpt#forward} (the tests
 * check every path against it).
 * <pre>{@code
 * Decoder d = new Decoder(model, WeightFormat.BF16);
 * float[] logits = d.prefill(promptTokens);
 * logits = d.next(token);
 * }</pre>
 */
public final class Decoder {
    /** Prompt positions per matrix-matrix pass of {@link #prefill}: bounds its buffers, keeps them in L2/L3. */
    static final int PREFILL_CHUNK = 64;

    private final Gpt model;
    private final GptConfig cfg;
    private final WeightFormat format;
    private KvCache cache;
    DecodeMatrix[] qkvW, projW, fcW, outW; // converted on first use by next() (convertWeights)
    final DecodeMatrix logitsW;
    private final MatVec mv = new MatVec();
    private final DecodeAttention attention;
    private final float[] x, a, qkv, y, h, tmp, logits;
    private Prefill prefill; // created on first use
    private DecodeObserver observer;

    public Decoder(Gpt model) { this(model, WeightFormat.F32); }

    /** Converts the model's matrices to {@code format} once (on first need); the model must not change afterwards. */
    public Decoder(Gpt model, WeightFormat format) {
        this(model, format, new KvCache(model.config()));
    }

    /** Feeding {@code cache} (a {@link BatchDecoder} switches it between sequences with {@link #attach}). */
    Decoder(Gpt model, WeightFormat format, KvCache cache) {
        this.model = model;
        this.cfg = model.config();
        this.format = format;
        this.cache = cache;
        attention = new DecodeAttention(cfg);
        int c = cfg.nEmbd();
        logitsW = DecodeMatrix.fromRows(format, model.wte.data(), model.wte.offset(), cfg.vocabSize(), c); // fp32: no copy
        x = new float[c];
        a = new float[c];
        qkv = new float[3 * c];
        y = new float[c];
        h = new float[cfg.nInner()];
        tmp = new float[c];
        logits = new float[cfg.vocabSize()];
    }

    /**
     * The layers' matrices in [out, in] layout and the chosen format, made on the first {@link #next} (or
     * {@link #weightBytesPerToken}): an fp32 prefill multiplies the model's own [in, out] weights, so a decoder that
     * only reads prompts (inspection, scoring a prompt) never pays for the copy or its memory.
     */
    void convertWeights() {
        if (qkvW != null) return;
        int c = cfg.nEmbd(), n = cfg.nLayer();
        qkvW = new DecodeMatrix[n];
        projW = new DecodeMatrix[n];
        fcW = new DecodeMatrix[n];
        outW = new DecodeMatrix[n];
        for (int l = 0; l < n; l++) {
            Block b = model.blocks.get(l);
            qkvW[l] = convert(b.attn.cAttn, c, 3 * c);
            projW[l] = convert(b.attn.cProj, c, c);
            fcW[l] = convert(b.mlp.cFc, c, cfg.nInner());
            outW[l] = convert(b.mlp.cProj, cfg.nInner(), c);
        }
    }

    private DecodeMatrix convert(Linear lin, int in, int out) {
        return DecodeMatrix.fromInOut(format, lin.weight.data(), lin.weight.offset(), in, out);
    }

    public KvCache cache() { return cache; }

    public WeightFormat format() { return format; }

    /** Bytes of weights streamed per decoded token (all matrices including the unembedding). */
    public long weightBytesPerToken() {
        convertWeights();
        long sum = logitsW.bytes();
        for (int l = 0; l < cfg.nLayer(); l++) sum += qkvW[l].bytes() + projW[l].bytes() + fcW[l].bytes() + outW[l].bytes();
        return sum;
    }

    /**
     * Shows the attention weights and the residual stream of every position fed from now on to {@code observer}
     * (null to stop); for inspection (attention maps, logit lens) from the very kernels that generate.
     */
    public void observe(DecodeObserver observer) {
        this.observer = observer;
        attention.observe(observer);
    }

    /**
     * The logits the model would predict from {@code rows} residual-stream vectors at {@code residuals[off + r*C, +C)}:
     * the final LayerNorm and the tied unembedding, the head every position's prediction goes through (the logit lens
     * applies it to intermediate layers). One matrix product streams the unembedding once for all rows instead of
     * once per row. {@code out} receives [rows, V].
     */
    public void unembed(float[] residuals, int off, int rows, float[] out) {
        int c = cfg.nEmbd(), v = cfg.vocabSize();
        float[] normed = new float[rows * c];
        LayerNormKernel.forward(residuals, off, normed, 0, model.lnF.weight.data(), model.lnF.weight.offset(),
                biasData(model.lnF.bias), biasOffset(model.lnF.bias), null, null, rows, c, model.lnF.eps());
        Gemm.sgemm(false, true, rows, v, c, normed, 0, c, model.wte.data(), model.wte.offset(), c, out, 0, v, false);
    }

    /** Feeds another cache from now on (weights are shared, positions are the cache's own). */
    void attach(KvCache other) { cache = other; }

    /**
     * One chunk of {@link #prefill}: tokens[from, from + p) with p at most {@link #PREFILL_CHUNK}; returns the
     * logits after the prompt's last token when the chunk ends the prompt, else null. Feeding a prompt in chunks
     * at multiples of PREFILL_CHUNK computes exactly what one {@link #prefill} call does.
     */
    float[] prefillChunk(int[] tokens, int from, int p) {
        if (p > PREFILL_CHUNK || p > cache.capacity() - cache.length()) throw new IllegalStateException("chunk of " + p + " does not fit");
        for (int i = from; i < from + p; i++) checkToken(tokens[i]);
        boolean last = from + p == tokens.length;
        if (format != WeightFormat.F32) {
            float[] out = null;
            for (int i = from; i < from + p; i++) out = next(tokens[i]);
            return last ? out : null;
        }
        if (prefill == null) prefill = new Prefill();
        prefill.chunk(tokens, from, p);
        return last ? logits : null;
    }

    /** Forgets all positions. */
    public void reset() { cache.clear(); }

    /**
     * Feeds {@code token} at position {@link KvCache#length()} and returns the next-token logits (a buffer
     * reused by the next call).
     */
    public float[] next(int token) {
        if (cache.isFull()) throw new IllegalStateException("context full (" + cache.capacity() + " positions)");
        checkToken(token);
        convertWeights();
        int c = cfg.nEmbd(), pos = cache.length();
        embed(token, pos, x, 0);
        for (int l = 0; l < cfg.nLayer(); l++) {
            Block b = model.blocks.get(l);
            layerNorm(b.ln1, x, a, 1);
            mv.apply(qkvW[l], a, qkv, b.attn.cAttn.bias, null, null);
            cache.put(l, pos, qkv, c, 2 * c);
            attention.apply(l, qkv, cache.keys[l], cache.values[l], pos, 1, y);
            mv.apply(projW[l], y, tmp, b.attn.cProj.bias, null, x);
            layerNorm(b.ln2, x, a, 1);
            mv.apply(fcW[l], a, h, b.mlp.cFc.bias, cfg.activation(), null);
            mv.apply(outW[l], h, tmp, b.mlp.cProj.bias, null, x);
            if (observer != null) observer.residual(l, pos, x, 0);
        }
        cache.advance(1);
        return logitsOf(x, 0);
    }

    /**
     * Feeds a prompt at positions [{@link KvCache#length()}, +tokens.length) and returns the logits after its
     * last token (the buffer {@link #next} also returns). With F32 weights the prompt goes through
     * matrix-matrix products; other formats feed it token by token so results match {@link #next} exactly.
     */
    public float[] prefill(int[] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("empty prompt");
        if (tokens.length > cache.capacity() - cache.length()) {
            throw new IllegalStateException("prompt of " + tokens.length + " tokens does not fit: "
                    + (cache.capacity() - cache.length()) + " positions left");
        }
        for (int t : tokens) checkToken(t);
        if (format != WeightFormat.F32) {
            float[] out = null;
            for (int t : tokens) out = next(t);
            return out;
        }
        if (prefill == null) prefill = new Prefill();
        for (int s = 0; s < tokens.length; s += PREFILL_CHUNK) {
            prefill.chunk(tokens, s, Math.min(tokens.length, s + PREFILL_CHUNK) - s);
        }
        return logits;
    }

    /** Final LayerNorm of row r of xs, then the tied unembedding. */
    private float[] logitsOf(float[] xs, int r) {
        int c = cfg.nEmbd();
        LayerNormKernel.forward(xs, r * c, a, 0, model.lnF.weight.data(), model.lnF.weight.offset(),
                biasData(model.lnF.bias), biasOffset(model.lnF.bias), null, null, 1, c, model.lnF.eps());
        mv.apply(logitsW, a, logits, null, null, null);
        return logits;
    }

    private void checkToken(int token) {
        if (token < 0 || token >= cfg.vocabSize()) throw new IndexOutOfBoundsException("token id " + token + " outside [0, " + cfg.vocabSize() + ")");
    }

    private void embed(int token, int pos, float[] out, int off) {
        int c = cfg.nEmbd();
        float[] w = model.wte.data(), wp = model.wpe.data();
        int te = model.wte.offset() + token * c, pe = model.wpe.offset() + pos * c;
        for (int i = 0; i < c; i++) out[off + i] = w[te + i] + wp[pe + i];
    }

    private static void layerNorm(LayerNorm ln, float[] in, float[] out, int rows) {
        LayerNormKernel.forward(in, 0, out, 0, ln.weight.data(), ln.weight.offset(), biasData(ln.bias),
                biasOffset(ln.bias), null, null, rows, ln.weight.size(), ln.eps());
    }

    private static float[] biasData(Tensor b) { return b == null ? null : b.data(); }

    private static int biasOffset(Tensor b) { return b == null ? 0 : b.offset(); }

    /** Prompt processing with matrix-matrix products on the model's fp32 [in, out] weights, a chunk at a time. */
    private final class Prefill {
        private final float[] px, pa, pqkv, py, ph;

        Prefill() {
            int c = cfg.nEmbd(), r = PREFILL_CHUNK;
            px = new float[r * c];
            pa = new float[r * c];
            pqkv = new float[r * 3 * c];
            py = new float[r * c];
            ph = new float[r * cfg.nInner()];
        }

        void chunk(int[] tokens, int from, int p) {
            int c = cfg.nEmbd(), start = cache.length();
            for (int i = 0; i < p; i++) embed(tokens[from + i], start + i, px, i * c);
            for (int l = 0; l < cfg.nLayer(); l++) {
                Block b = model.blocks.get(l);
                layerNorm(b.ln1, px, pa, p);
                linear(b.attn.cAttn, pa, pqkv, p, c, 3 * c, false);
                for (int i = 0; i < p; i++) cache.put(l, start + i, pqkv, i * 3 * c + c, i * 3 * c + 2 * c);
                attention.apply(l, pqkv, cache.keys[l], cache.values[l], start, p, py);
                linear(b.attn.cProj, py, px, p, c, c, true);
                layerNorm(b.ln2, px, pa, p);
                linear(b.mlp.cFc, pa, ph, p, c, cfg.nInner(), false);
                if (cfg.activation() == Activation.RELU) ActivationKernel.reluForward(ph, 0, ph, 0, p * cfg.nInner());
                else if (cfg.activation() == Activation.GELU) jgpt.kernels.GeluErfKernel.forward(ph, 0, ph, 0, p * cfg.nInner());
                else ActivationKernel.geluForward(ph, 0, ph, 0, p * cfg.nInner());
                linear(b.mlp.cProj, ph, px, p, cfg.nInner(), c, true);
                if (observer != null) for (int i = 0; i < p; i++) observer.residual(l, start + i, px, i * c);
            }
            cache.advance(p);
            if (from + p == tokens.length) logitsOf(px, p - 1);
        }

        /** out[p, outDim] (+)= in[p, inDim] · W + bias; with residual the product is added to out. */
        private void linear(Linear lin, float[] in, float[] out, int p, int inDim, int outDim, boolean residual) {
            if (lin.bias != null) {
                float[] bd = lin.bias.data();
                int bo = lin.bias.offset();
                for (int i = 0; i < p; i++) {
                    for (int o = 0; o < outDim; o++) out[i * outDim + o] = (residual ? out[i * outDim + o] : 0f) + bd[bo + o];
                }
            }
            Gemm.sgemm(false, false, p, outDim, inDim, in, 0, inDim, lin.weight.data(), lin.weight.offset(), outDim,
                    out, 0, outDim, residual || lin.bias != null);
        }
    }
}
