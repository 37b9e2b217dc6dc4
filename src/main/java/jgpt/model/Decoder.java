package jgpt.model;

import jgpt.kernels.ActivationKernel;
import jgpt.kernels.Gemm;
import jgpt.kernels.LayerNormKernel;
import jgpt.nn.LayerNorm;
import jgpt.nn.Linear;

/**
 * Incremental inference with a {@link KvCache}: each call feeds one token at the next position and returns
 * the logits for the token after it. Every weight is read once per token; all buffers are allocated here,
 * once. Same math as {@link Gpt#forward} (the conformance tests check both).
 * <pre>{@code
 * Decoder d = new Decoder(model);
 * float[] logits = d.next(token);
 * }</pre>
 */
public final class Decoder {
    private final Gpt model;
    private final GptConfig cfg;
    private final KvCache cache;
    private final float[] x, a, qkv, y, h, logits, scores;

    public Decoder(Gpt model) {
        this.model = model;
        this.cfg = model.config();
        this.cache = new KvCache(cfg);
        int c = cfg.nEmbd();
        x = new float[c];
        a = new float[c];
        qkv = new float[3 * c];
        y = new float[c];
        h = new float[cfg.nInner()];
        logits = new float[cfg.vocabSize()];
        scores = new float[cfg.blockSize()];
    }

    public KvCache cache() { return cache; }

    /** Forgets all positions. */
    public void reset() { cache.clear(); }

    /**
     * Feeds {@code token} at position {@link KvCache#length()} and returns the next-token logits (a buffer
     * reused by the next call).
     */
    public float[] next(int token) {
        if (cache.isFull()) throw new IllegalStateException("context full (" + cache.capacity() + " positions)");
        if (token < 0 || token >= cfg.vocabSize()) throw new IndexOutOfBoundsException("token id " + token + " outside [0, " + cfg.vocabSize() + ")");
        int c = cfg.nEmbd(), pos = cache.length();
        float[] w = model.wte.data();
        int te = model.wte.offset() + token * c, pe = model.wpe.offset() + pos * c;
        float[] wp = model.wpe.data();
        for (int i = 0; i < c; i++) x[i] = w[te + i] + wp[pe + i];
        for (int l = 0; l < cfg.nLayer(); l++) {
            Block b = model.blocks.get(l);
            layerNorm(b.ln1, x, a);
            linear(b.attn.cAttn, a, qkv, c, 3 * c);
            System.arraycopy(qkv, c, cache.keys[l], pos * c, c);
            System.arraycopy(qkv, 2 * c, cache.values[l], pos * c, c);
            attend(cache.keys[l], cache.values[l], pos);
            linear(b.attn.cProj, y, a, c, c);
            for (int i = 0; i < c; i++) x[i] += a[i];
            layerNorm(b.ln2, x, a);
            linear(b.mlp.cFc, a, h, c, cfg.nInner());
            if (cfg.activation() == Activation.RELU) ActivationKernel.reluForward(h, 0, h, 0, h.length);
            else ActivationKernel.geluForward(h, 0, h, 0, h.length);
            linear(b.mlp.cProj, h, a, cfg.nInner(), c);
            for (int i = 0; i < c; i++) x[i] += a[i];
        }
        layerNorm(model.lnF, x, a);
        Gemm.sgemm(false, true, 1, cfg.vocabSize(), c, a, 0, c, w, model.wte.offset(), c, logits, 0, cfg.vocabSize(), false);
        cache.advance();
        return logits;
    }

    /** y = softmax(q·Kᵀ/sqrt(hd)) V per head over positions 0..pos; q is in qkv[0, C). */
    private void attend(float[] keys, float[] values, int pos) {
        int c = cfg.nEmbd(), hd = cfg.headDim();
        float scale = (float) (1.0 / Math.sqrt(hd));
        for (int head = 0; head < cfg.nHead(); head++) {
            int q = head * hd;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j <= pos; j++) {
                int k = j * c + q;
                float s = 0f;
                for (int d = 0; d < hd; d++) s += qkv[q + d] * keys[k + d];
                s *= scale;
                scores[j] = s;
                if (s > max) max = s;
            }
            float sum = 0f;
            for (int j = 0; j <= pos; j++) {
                scores[j] = (float) Math.exp(scores[j] - max);
                sum += scores[j];
            }
            float inv = 1f / sum;
            for (int d = 0; d < hd; d++) y[q + d] = 0f;
            for (int j = 0; j <= pos; j++) {
                float p = scores[j] * inv;
                int v = j * c + q;
                for (int d = 0; d < hd; d++) y[q + d] += p * values[v + d];
            }
        }
    }

    private static void layerNorm(LayerNorm ln, float[] in, float[] out) {
        LayerNormKernel.forward(in, 0, out, 0, ln.weight.data(), ln.weight.offset(),
                ln.bias == null ? null : ln.bias.data(), ln.bias == null ? 0 : ln.bias.offset(),
                null, null, 1, in.length, ln.eps());
    }

    private static void linear(Linear lin, float[] in, float[] out, int inDim, int outDim) {
        if (lin.bias != null) System.arraycopy(lin.bias.data(), lin.bias.offset(), out, 0, outDim);
        Gemm.sgemm(false, false, 1, outDim, inDim, in, 0, inDim, lin.weight.data(), lin.weight.offset(), outDim,
                out, 0, outDim, lin.bias != null);
    }
}
