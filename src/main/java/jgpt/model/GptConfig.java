package jgpt.model;

import jgpt.UserException;
import jgpt.nn.LayerNorm;
import jgpt.nn.Linear;

/**
 * The shape of a GPT-2 model, validated on construction.
 * <pre>{@code
 * GptConfig cfg = GptConfig.preset("baby", 65);
 * Gpt model = Gpt.create(cfg, 1337);
 * }</pre>
 *
 * @param nLayer    transformer blocks
 * @param nHead     attention heads per block (must divide nEmbd)
 * @param nEmbd     residual stream width C
 * @param blockSize maximum context length (HF n_positions)
 * @param vocabSize number of token ids
 * @param nInner    MLP hidden width (GPT-2: 4 * nEmbd)
 * @param dropout   dropout probability for embeddings, attention and residual branches while training
 * @param bias      biases in linear layers and layer norms
 */
public record GptConfig(int nLayer, int nHead, int nEmbd, int blockSize, int vocabSize, int nInner,
                        float dropout, boolean bias, Activation activation, PositionalEncoding positional,
                        float layerNormEps) {
    public GptConfig {
        require(nLayer >= 1, "n_layer must be >= 1, got " + nLayer);
        require(nHead >= 1, "n_head must be >= 1, got " + nHead);
        require(nEmbd >= 1 && nEmbd % nHead == 0, "n_embd (" + nEmbd + ") must be a positive multiple of n_head (" + nHead + ")");
        require(blockSize >= 1, "block_size must be >= 1, got " + blockSize);
        require(vocabSize >= 1, "vocab_size must be >= 1, got " + vocabSize);
        require(nInner >= 1, "n_inner must be >= 1, got " + nInner);
        require(dropout >= 0f && dropout < 1f, "dropout must be in [0, 1), got " + dropout);
        require(layerNormEps > 0f, "layer_norm_epsilon must be > 0");
        require(activation != null && positional != null, "activation and positional encoding are required");
        require(activation != Activation.SWISH, "swish is not supported by the GPT decode paths; use gelu_new, gelu or relu");
        require(parameterCountLong() <= Integer.MAX_VALUE - 8, "model too large: " + parameterCountLong() + " parameters (max 2^31)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new UserException("invalid model config: " + message);
    }

    /** GPT-2 defaults: MLP 4C, GELU, learned positions, biases, eps 1e-5. */
    public static GptConfig of(int nLayer, int nHead, int nEmbd, int blockSize, int vocabSize, float dropout, boolean bias) {
        return new GptConfig(nLayer, nHead, nEmbd, blockSize, vocabSize, 4 * nEmbd, dropout, bias,
                Activation.GELU_NEW, PositionalEncoding.LEARNED, 1e-5f);
    }

    /**
     * A named size: layers, heads, width, context, training dropout and biases; the vocabulary comes from the
     * tokenizer. {@code gpt3} (Brown et al. 2020, 175B) is too large to build here and exists for the parameter tally.
     */
    public record Preset(String name, int nLayer, int nHead, int nEmbd, int blockSize, float dropout, boolean bias) {
        public GptConfig config(int vocabSize) { return of(nLayer, nHead, nEmbd, blockSize, vocabSize, dropout, bias); }
    }

    private static final java.util.List<Preset> PRESET_TABLE = java.util.List.of(
            new Preset("baby", 4, 4, 128, 64, 0f, false),      // nanoGPT's CPU Shakespeare model
            new Preset("small", 6, 6, 384, 256, 0.2f, false),  // nanoGPT's shakespeare-char
            new Preset("gpt2", 12, 12, 768, 1024, 0f, true),   // 124M
            new Preset("gpt2-medium", 24, 16, 1024, 1024, 0f, true),
            new Preset("gpt2-large", 36, 20, 1280, 1024, 0f, true),
            new Preset("gpt2-xl", 48, 25, 1600, 1024, 0f, true),
            new Preset("gpt3", 96, 96, 12288, 2048, 0f, true));

    public static final java.util.List<String> PRESETS = PRESET_TABLE.stream().map(Preset::name).toList();

    /** The preset called {@code name}; unknown names are a user error listing the known ones. */
    public static Preset presetNamed(String name) {
        for (Preset p : PRESET_TABLE) if (p.name().equals(name)) return p;
        throw new UserException("unknown preset '" + name + "'; use one of " + String.join(", ", PRESETS));
    }

    /**
     * Named sizes: {@code baby} (nanoGPT's CPU Shakespeare model: 4 layers, 4 heads, 128 wide, block 64),
     * {@code small} (6/6/384/256, nanoGPT's shakespeare-char), {@code gpt2} (124M), {@code gpt2-medium},
     * {@code gpt2-large}, {@code gpt2-xl}; {@code gpt3} is rejected as too large (see {@link Preset}).
     */
    public static GptConfig preset(String name, int vocabSize) {
        return presetNamed(name).config(vocabSize);
    }

    public int headDim() { return nEmbd / nHead; }

    public GptConfig withDropout(float p) {
        return new GptConfig(nLayer, nHead, nEmbd, blockSize, vocabSize, nInner, p, bias, activation, positional, layerNormEps);
    }


    public GptConfig with(Activation a, PositionalEncoding p) {
        return new GptConfig(nLayer, nHead, nEmbd, blockSize, vocabSize, nInner, dropout, bias, a, p, layerNormEps);
    }

    /** Number of scalars in the model (the tied unembedding counted once, position table included). */
    public int parameterCount() { return (int) parameterCountLong(); }

    private long parameterCountLong() {
        long c = nEmbd;
        long block = 2L * LayerNorm.count(nEmbd, bias)
                + (long) Linear.count(nEmbd, 3 * nEmbd, bias) + Linear.count(nEmbd, nEmbd, bias)
                + (long) Linear.count(nEmbd, nInner, bias) + Linear.count(nInner, nEmbd, bias);
        return (long) vocabSize * c + (long) blockSize * c + nLayer * block + LayerNorm.count(nEmbd, bias);
    }
}
