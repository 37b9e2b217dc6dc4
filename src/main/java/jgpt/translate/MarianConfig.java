package jgpt.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jgpt.UserException;
import jgpt.model.Activation;
import jgpt.nn.TorchLinear;

/**
 * The shape of a Hugging Face MarianMTModel (config.json with {@code model_type "marian"}): post-LayerNorm encoder
 * and decoder, one shared token embedding tied to the output projection, fixed sinusoidal positions.
 *
 * @param vocabSize      shared source/target vocabulary (HF vocab_size = decoder_vocab_size)
 * @param dModel         residual width C
 * @param maxPositions   rows of the sinusoidal table (HF max_position_embeddings): the longest source or target
 * @param dropout        residual and embedding dropout while training (HF dropout)
 * @param activationDropout dropout after the feed-forward activation (HF activation_dropout)
 * @param padId          padding id; its lookups pass no gradient to the shared embedding (padding_idx)
 * @param decoderStartId first decoder input (the pad id in every Marian model)
 */
public record MarianConfig(int vocabSize, int dModel, int encoderLayers, int decoderLayers, int encoderHeads,
                           int decoderHeads, int encoderFfn, int decoderFfn, Activation activation, int maxPositions,
                           boolean scaleEmbedding, float dropout, float activationDropout, int padId, int eosId,
                           int decoderStartId) {
    public MarianConfig {
        require(vocabSize >= 1, "vocab_size must be >= 1");
        require(dModel >= 2 && dModel % 2 == 0, "d_model must be even (sin and cos halves), got " + dModel);
        require(encoderLayers >= 1 && decoderLayers >= 1, "encoder_layers and decoder_layers must be >= 1");
        require(encoderHeads >= 1 && dModel % encoderHeads == 0, "d_model must be a multiple of encoder_attention_heads");
        require(decoderHeads >= 1 && dModel % decoderHeads == 0, "d_model must be a multiple of decoder_attention_heads");
        require(encoderFfn >= 1 && decoderFfn >= 1, "ffn dims must be >= 1");
        require(maxPositions >= 2, "max_position_embeddings must be >= 2");
        require(dropout >= 0f && dropout < 1f && activationDropout >= 0f && activationDropout < 1f, "dropout must be in [0, 1)");
        for (int id : new int[] {padId, eosId, decoderStartId}) require(id >= 0 && id < vocabSize, "special id " + id + " outside the vocabulary");
        require(activation != null, "activation_function is required");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new UserException("invalid Marian config: " + message);
    }

    /** Every Marian LayerNorm is torch.nn.LayerNorm with its default eps (the config has no key for it). */
    public static final float LAYER_NORM_EPS = 1e-5f;

    /**
     * {@code marian-small}: d_model 256, 4 heads, 3 + 3 layers, FFN 1024, ReLU, dropout 0.1, 256 positions; pad,
     * eos and decoder start ids are the caller's (the tokenizer's).
     */
    public static MarianConfig preset(String name, int vocabSize, int padId, int eosId) {
        return switch (name) {
            case "marian-small" -> new MarianConfig(vocabSize, 256, 3, 3, 4, 4, 1024, 1024, Activation.RELU, 256, true,
                    0.1f, 0f, padId, eosId, padId);
            case "marian-tiny" -> new MarianConfig(vocabSize, 32, 2, 2, 4, 4, 64, 64, Activation.RELU, 128, true,
                    0.1f, 0f, padId, eosId, padId);
            default -> throw new UserException("unknown preset '" + name + "'; use marian-small or marian-tiny");
        };
    }

    public MarianConfig withDropout(float p) {
        return new MarianConfig(vocabSize, dModel, encoderLayers, decoderLayers, encoderHeads, decoderHeads, encoderFfn,
                decoderFfn, activation, maxPositions, scaleEmbedding, p, activationDropout, padId, eosId, decoderStartId);
    }

    /** Scalars in the flat parameter array: shared embedding, one position table, logits bias and every layer. */
    public int parameterCount() {
        long c = dModel, ln = 2L * c, attn = 4L * TorchLinear.count(dModel, dModel);
        long enc = attn + ln + TorchLinear.count(dModel, encoderFfn) + TorchLinear.count(encoderFfn, dModel) + ln;
        long dec = 2 * (attn + ln) + TorchLinear.count(dModel, decoderFfn) + TorchLinear.count(decoderFfn, dModel) + ln;
        long total = vocabSize * c + maxPositions * c + vocabSize + encoderLayers * enc + decoderLayers * dec;
        require(total <= Integer.MAX_VALUE - 8, "model too large: " + total + " parameters");
        return (int) total;
    }

    static final ObjectMapper JSON = new ObjectMapper();

    /** Whether a config.json describes an encoder-decoder (Marian) model rather than a GPT-2. */
    public static boolean isMarian(Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) return false;
        try {
            JsonNode root = JSON.readTree(file.toFile());
            return root != null && "marian".equals(root.path("model_type").asText(""));
        } catch (IOException e) {
            return false;
        }
    }

    public static MarianConfig read(Path file) {
        if (!Files.isRegularFile(file)) throw new UserException(file + ": not found; a Marian model folder needs config.json");
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserException(file + ": not valid JSON");
        }
        if (root == null || !root.isObject()) throw new UserException(file + ": expected a JSON object");
        String label = file.toString();
        String type = root.path("model_type").asText("");
        if (!type.equals("marian")) throw new UserException(label + ": model_type is '" + type + "', not an encoder-decoder (marian) model");
        int vocab = integer(root, "vocab_size", label);
        if (root.hasNonNull("decoder_vocab_size") && root.get("decoder_vocab_size").asInt() != vocab) {
            throw new UserException(label + ": decoder_vocab_size differs from vocab_size (separate vocabularies are not supported)");
        }
        flag(root, "share_encoder_decoder_embeddings", true, label);
        flag(root, "tie_word_embeddings", true, label);
        flag(root, "normalize_before", false, label);
        flag(root, "normalize_embedding", false, label);
        flag(root, "add_final_layer_norm", false, label);
        flag(root, "add_bias_logits", false, label);
        flag(root, "static_position_embeddings", true, label);
        int pad = integer(root, "pad_token_id", label);
        try {
            return new MarianConfig(vocab, integer(root, "d_model", label), integer(root, "encoder_layers", label),
                    integer(root, "decoder_layers", label), integer(root, "encoder_attention_heads", label),
                    integer(root, "decoder_attention_heads", label), integer(root, "encoder_ffn_dim", label),
                    integer(root, "decoder_ffn_dim", label), Activation.parse(root.path("activation_function").asText("gelu")),
                    integer(root, "max_position_embeddings", label), root.path("scale_embedding").asBoolean(false),
                    (float) root.path("dropout").asDouble(0.1), (float) root.path("activation_dropout").asDouble(0.0),
                    pad, integer(root, "eos_token_id", label),
                    root.hasNonNull("decoder_start_token_id") ? root.get("decoder_start_token_id").asInt() : pad);
        } catch (UserException e) {
            throw new UserException(label + ": " + e.getMessage());
        }
    }

    /** HF-compatible config.json text. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("model_type", "marian");
        o.putArray("architectures").add("MarianMTModel");
        o.put("vocab_size", vocabSize);
        o.put("decoder_vocab_size", vocabSize);
        o.put("d_model", dModel);
        o.put("encoder_layers", encoderLayers);
        o.put("decoder_layers", decoderLayers);
        o.put("encoder_attention_heads", encoderHeads);
        o.put("decoder_attention_heads", decoderHeads);
        o.put("encoder_ffn_dim", encoderFfn);
        o.put("decoder_ffn_dim", decoderFfn);
        o.put("activation_function", activation.hfName());
        o.put("max_position_embeddings", maxPositions);
        o.put("scale_embedding", scaleEmbedding);
        o.put("share_encoder_decoder_embeddings", true);
        o.put("tie_word_embeddings", true);
        o.put("is_encoder_decoder", true);
        o.put("static_position_embeddings", true);
        o.put("normalize_before", false);
        o.put("pad_token_id", padId);
        o.put("eos_token_id", eosId);
        o.put("decoder_start_token_id", decoderStartId);
        o.putNull("forced_eos_token_id");
        o.put("dropout", dropout);
        o.put("attention_dropout", 0.0);
        o.put("activation_dropout", activationDropout);
        o.put("init_std", 0.02);
        o.put("num_hidden_layers", encoderLayers);
        o.put("use_cache", true);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int integer(JsonNode root, String key, String label) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) throw new UserException(label + ": missing \"" + key + "\"");
        if (!n.isIntegralNumber() || !n.canConvertToInt()) throw new UserException(label + ": \"" + key + "\" must be an integer, got " + n);
        return n.intValue();
    }

    private static void flag(JsonNode root, String key, boolean expected, String label) {
        JsonNode n = root.get(key);
        if (n != null && !n.isNull() && n.asBoolean(expected) != expected) {
            throw new UserException(label + ": \"" + key + "\": " + n + " is not supported (Marian uses " + expected + ")");
        }
    }
}
