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
     * Named sizes: {@code baby} (nanoGPT's CPU Shakespeare model: 4 layers, 4 heads, 128 wide, block 64),
     * {@code small} (6/6/384/256, nanoGPT's shakespeare-char), {@code gpt2} (124M), {@code gpt2-medium},
     * {@code gpt2-large}, {@code gpt2-xl}.
     */
    public static GptConfig preset(String name, int vocabSize) {
        return switch (name) {
            case "baby" -> of(4, 4, 128, 64, vocabSize, 0f, false);
            case "small" -> of(6, 6, 384, 256, vocabSize, 0.2f, false);
            case "gpt2" -> of(12, 12, 768, 1024, vocabSize, 0f, true);
            case "gpt2-medium" -> of(24, 16, 1024, 1024, vocabSize, 0f, true);
            case "gpt2-large" -> of(36, 20, 1280, 1024, vocabSize, 0f, true);
            case "gpt2-xl" -> of(48, 25, 1600, 1024, vocabSize, 0f, true);
            default -> throw new UserException("unknown preset '" + name + "'; use one of " + String.join(", ", PRESETS));
        };
    }

    public static final java.util.List<String> PRESETS = java.util.List.of("baby", "small", "gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl");

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
