package jgpt.model;

import java.util.ArrayList;
import java.util.List;
import jgpt.autograd.Tape;
import jgpt.nn.Init;
import jgpt.nn.LayerNorm;
import jgpt.nn.Parameters;
import jgpt.ops.Add;
import jgpt.ops.CrossEntropy;
import jgpt.ops.Dropout;
import jgpt.ops.Embedding;
import jgpt.ops.MatMul;
import jgpt.tensor.Rng;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/**
 * GPT-2 (Radford et al. 2019), the math of Hugging Face's GPT2LMHeadModel: token plus position embeddings,
 * pre-LayerNorm blocks, a final LayerNorm and an unembedding tied to the token embedding.
 * Parameter names follow the HF checkpoint (wte.weight, h.0.attn.c_attn.weight, ...).
 * <pre>{@code
 * Gpt model = Gpt.create(GptConfig.preset("baby", 65), 1337);
 * Tensor logits = model.forward(new Tape(), tokens, batch, time, null);
 * }</pre>
 */
public final class Gpt {
    private final GptConfig cfg;
    private final Parameters params;
    final Tensor wte;
    final Tensor wpe;
    final List<Block> blocks = new ArrayList<>();
    final LayerNorm lnF;

    /** A trainable model with zeroed parameters, laid out in HF order in one flat array. */
    public Gpt(GptConfig cfg) {
        this(cfg, true);
    }

    /** A model with zeroed parameters; without gradients ({@code trainable} false) it can only run inference. */
    public Gpt(GptConfig cfg, boolean trainable) {
        this(cfg, new Parameters(cfg.parameterCount(), trainable));
        if (cfg.positional() != PositionalEncoding.LEARNED) SinusoidalPositions.fill(wpe);
    }

    private Gpt(GptConfig cfg, Parameters params) {
        this.cfg = cfg;
        this.params = params;
        wte = params.create("wte.weight", Shape.of(cfg.vocabSize(), cfg.nEmbd()), true, true);
        boolean learned = cfg.positional() == PositionalEncoding.LEARNED;
        wpe = params.create("wpe.weight", Shape.of(cfg.blockSize(), cfg.nEmbd()), learned, learned);
        for (int i = 0; i < cfg.nLayer(); i++) blocks.add(new Block(params, "h." + i, cfg));
        lnF = new LayerNorm(params, "ln_f", cfg.nEmbd(), cfg.bias(), cfg.layerNormEps());
        params.checkComplete();
    }

    /**
     * A replica for data-parallel training: the same weights (shared, not copied) with its own zeroed
     * gradient array, so replicas can run forward and backward on different rows of a batch at the same time.
     */
    public Gpt replica() {
        return new Gpt(cfg, new Parameters(params.data(), new float[params.data().length]));
    }

    /** A freshly initialised model (GPT-2 scheme: N(0, 0.02), residual projections scaled by 1/sqrt(2 n_layer)). */
    public static Gpt create(GptConfig cfg, long seed) {
        Gpt m = new Gpt(cfg);
        Rng rng = new Rng(seed);
        Init.normal(m.wte, rng, 0.02);
        if (cfg.positional() == PositionalEncoding.LEARNED) Init.normal(m.wpe, rng, 0.02);
        double projStd = 0.02 / Math.sqrt(2.0 * cfg.nLayer());
        for (Block b : m.blocks) {
            b.ln1.init();
            b.attn.cAttn.init(rng, 0.02);
            b.attn.cProj.init(rng, projStd);
            b.ln2.init();
            b.mlp.cFc.init(rng, 0.02);
            b.mlp.cProj.init(rng, projStd);
        }
        m.lnF.init();
        return m;
    }

    public GptConfig config() { return cfg; }

    /**
     * Copies every parameter from a model of the same shape except possibly dropout (fine-tuning keeps the
     * pretrained weights but may train with a different dropout). Returns this.
     */
    public Gpt copyWeightsFrom(Gpt other) {
        if (other.params.count() != params.count()) throw new IllegalArgumentException("models differ in size");
        System.arraycopy(other.params.data(), 0, params.data(), 0, params.count());
        return this;
    }

    public Parameters parameters() { return params; }

    /**
     * Logits [B, T, V] for tokens [B*T] (row-major by batch). {@code rng} drives dropout while training;
     * pass null to evaluate.
     */
    public Tensor forward(Tape tape, int[] tokens, int b, int t, Rng rng) {
        if (t > cfg.blockSize()) throw new IllegalArgumentException("sequence length " + t + " exceeds block size " + cfg.blockSize());
        Tensor tok = Embedding.apply(tape, wte, tokens, b, t);                   // (B, T, C)
        Tensor pos = Embedding.apply(tape, wpe, positions(t), t);                 // (T, C)
        Tensor x = Dropout.apply(tape, Add.apply(tape, tok, pos), rng == null ? 0f : cfg.dropout(), rng);
        for (Block block : blocks) x = block.forward(tape, x, rng);
        x = lnF.forward(tape, x);
        return MatMul.apply(tape, x, wte, true);                                  // (B, T, V), tied unembedding
    }

    /** Mean cross-entropy of next-token predictions; targets[i] is the token that follows tokens[i]. */
    public Tensor loss(Tape tape, int[] tokens, int[] targets, int b, int t, Rng rng) {
        return CrossEntropy.apply(tape, forward(tape, tokens, b, t, rng), targets);
    }

    private static int[] positions(int t) {
        int[] p = new int[t];
        for (int i = 0; i < t; i++) p[i] = i;
        return p;
    }
}
