package jgpt.translate;

import java.util.ArrayList;
import java.util.List;
import jgpt.autograd.Tape;
import jgpt.nn.Init;
import jgpt.nn.Parameters;
import jgpt.ops.Add;
import jgpt.ops.CrossEntropy;
import jgpt.ops.Dropout;
import jgpt.ops.Embedding;
import jgpt.ops.MatMul;
import jgpt.ops.Mul;
import jgpt.tensor.Rng;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/**
 * The Transformer translator (Vaswani et al. 2017) with Hugging Face MarianMTModel's math: token embeddings scaled
 * by sqrt(d_model) plus fixed sinusoidal positions, post-LayerNorm encoder and decoder layers, logits from the
 * shared embedding (tied) plus {@code final_logits_bias}. Parameter names are HF's state-dict names.
 * <pre>{@code
 * MarianModel m = MarianCheckpoint.load(dir, true);
 * Tensor enc = m.encode(tape, src, b, s, srcLengths, null);
 * Tensor logits = m.decode(tape, enc, srcLengths, decoderIds, b, t, null);
 * }</pre>
 */
public final class MarianModel {
    public static final String SHARED = "model.shared.weight", POSITIONS = "model.encoder.embed_positions.weight";
    public static final String LOGITS_BIAS = "final_logits_bias";

    private final MarianConfig cfg;
    private final Parameters params;
    final Tensor shared;
    /** The sinusoidal table, shared by encoder and decoder (HF keeps two identical copies). Not trained. */
    final Tensor positions;
    /** A buffer added to the logits; not trained (HF registers it as a buffer). */
    final Tensor logitsBias;
    final List<EncoderLayer> encoder = new ArrayList<>();
    final List<DecoderLayer> decoder = new ArrayList<>();
    private final Tensor embedScale;

    /** A model with zeroed weights (positions filled); {@code trainable} false allocates no gradients. */
    public MarianModel(MarianConfig cfg, boolean trainable) {
        this(cfg, new Parameters(cfg.parameterCount(), trainable));
        SinusoidalTable.fill(positions);
    }

    private MarianModel(MarianConfig cfg, Parameters params) {
        this.cfg = cfg;
        this.params = params;
        int c = cfg.dModel();
        shared = params.create(SHARED, Shape.of(cfg.vocabSize(), c), true, true);
        positions = params.create(POSITIONS, Shape.of(cfg.maxPositions(), c), false, false);
        logitsBias = params.create(LOGITS_BIAS, Shape.of(cfg.vocabSize()), false, false);
        for (int i = 0; i < cfg.encoderLayers(); i++) encoder.add(new EncoderLayer(params, "model.encoder.layers." + i, cfg));
        for (int i = 0; i < cfg.decoderLayers(); i++) decoder.add(new DecoderLayer(params, "model.decoder.layers." + i, cfg));
        params.checkComplete();
        embedScale = Tensor.of(Shape.of(), new float[] {cfg.scaleEmbedding() ? (float) Math.sqrt(c) : 1f});
    }

    /** A freshly initialised model: HF's init_std 0.02 normal weights, zero biases, unit LayerNorms, zero logits bias. */
    public static MarianModel create(MarianConfig cfg, long seed) {
        MarianModel m = new MarianModel(cfg, true);
        Rng rng = new Rng(seed);
        Init.normal(m.shared, rng, 0.02);
        for (EncoderLayer l : m.encoder) {
            init(l.selfAttn, rng);
            l.selfAttnNorm.init();
            l.ffn.fc1.init(rng, 0.02);
            l.ffn.fc2.init(rng, 0.02);
            l.finalNorm.init();
        }
        for (DecoderLayer l : m.decoder) {
            init(l.selfAttn, rng);
            l.selfAttnNorm.init();
            init(l.crossAttn, rng);
            l.crossAttnNorm.init();
            l.ffn.fc1.init(rng, 0.02);
            l.ffn.fc2.init(rng, 0.02);
            l.finalNorm.init();
        }
        return m;
    }

    private static void init(MarianAttention a, Rng rng) {
        a.q.init(rng, 0.02);
        a.k.init(rng, 0.02);
        a.v.init(rng, 0.02);
        a.out.init(rng, 0.02);
    }

    public MarianConfig config() { return cfg; }

    public Parameters parameters() { return params; }

    /**
     * Encoder output [B, S, C] for source ids [B*S] (row-major, right-padded); row b has sourceLengths[b] real
     * tokens, the rest are masked as keys. {@code rng} drives dropout while training; null evaluates.
     */
    public Tensor encode(Tape tape, int[] source, int b, int s, int[] sourceLengths, Rng rng) {
        Tensor x = embed(tape, source, b, s, rng);
        for (EncoderLayer layer : encoder) x = layer.forward(tape, x, sourceLengths, rng);
        return x;
    }

    /** Hidden states [B, T, C] of the decoder for inputs [B*T] (starting with the decoder start id). */
    public Tensor decodeHidden(Tape tape, Tensor enc, int[] sourceLengths, int[] decoderInput, int b, int t, Rng rng) {
        Tensor y = embed(tape, decoderInput, b, t, rng);
        for (DecoderLayer layer : decoder) y = layer.forward(tape, y, enc, sourceLengths, rng);
        return y;
    }

    /** Logits [B, T, V]: the decoder's hidden states times the shared embedding, plus final_logits_bias. */
    public Tensor decode(Tape tape, Tensor enc, int[] sourceLengths, int[] decoderInput, int b, int t, Rng rng) {
        return logits(tape, decodeHidden(tape, enc, sourceLengths, decoderInput, b, t, rng));
    }

    Tensor logits(Tape tape, Tensor hidden) {
        return Add.apply(tape, MatMul.apply(tape, hidden, shared, true), logitsBias);
    }

    /** Mean cross-entropy against labels [B*T] (-1: ignored), as HF's loss with labels -100. */
    public Tensor loss(Tape tape, int[] source, int[] sourceLengths, int s, int[] decoderInput, int[] labels, int b, int t, Rng rng) {
        Tensor enc = encode(tape, source, b, s, sourceLengths, rng);
        return CrossEntropy.apply(tape, decode(tape, enc, sourceLengths, decoderInput, b, t, rng), labels);
    }

    /** embed(ids) * sqrt(C) + positions 0..n-1, then dropout; pad lookups pass no gradient to the table. */
    private Tensor embed(Tape tape, int[] ids, int b, int n, Rng rng) {
        if (n > cfg.maxPositions()) throw new IllegalArgumentException("sequence of " + n + " exceeds max_position_embeddings " + cfg.maxPositions());
        Tensor tok = Mul.apply(tape, Embedding.withPadding(tape, shared, ids, cfg.padId(), b, n), embedScale);
        Tensor pos = new Tensor(positions.data(), positions.offset(), Shape.of(n, cfg.dModel()), null, 0, null);
        return Dropout.apply(tape, Add.apply(tape, tok, pos), rng == null ? 0f : cfg.dropout(), rng);
    }

    /** HF's shift_tokens_right: [start, labels[0..T-2]] per row, with ignored labels (-1 or -100) replaced by pad. */
    public static int[] shiftRight(int[] labels, int b, int t, int pad, int start) {
        int[] dec = new int[b * t];
        for (int r = 0; r < b; r++) {
            dec[r * t] = start;
            for (int i = 1; i < t; i++) {
                int l = labels[r * t + i - 1];
                dec[r * t + i] = l < 0 ? pad : l;
            }
        }
        return dec;
    }

    /** The key lengths of a right-padded attention mask [B, S] (1 real, 0 pad); other masks are rejected. */
    public static int[] lengthsOfMask(int[] mask, int b, int s) {
        int[] lengths = new int[b];
        for (int r = 0; r < b; r++) {
            int n = 0;
            while (n < s && mask[r * s + n] != 0) n++;
            for (int i = n; i < s; i++) {
                if (mask[r * s + i] != 0) throw new IllegalArgumentException("attention mask row " + r + " is not right-padded");
            }
            if (n == 0) throw new IllegalArgumentException("attention mask row " + r + " has no real token");
            lengths[r] = n;
        }
        return lengths;
    }
}
