package jgpt.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jgpt.UserException;
import jgpt.model.Activation;
import jgpt.model.GptConfig;
import jgpt.model.PositionalEncoding;

/**
 * Maps Hugging Face GPT2Config (config.json) to {@link GptConfig} and back. Our two extensions beyond
 * GPT-2 (no biases, sinusoidal positions) are kept under a "jgpt" object, which HF ignores; a model
 * without biases is exported with zero biases so HF computes the same function.
 */
public final class HfConfig {
    private HfConfig() {}

    static final ObjectMapper JSON = new ObjectMapper();

    public static GptConfig read(Path file) {
        if (!Files.isRegularFile(file)) throw new UserException(file + ": not found; a model folder needs config.json");
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserException(file + ": not valid JSON (" + firstLine(e.getMessage()) + "); fix or regenerate config.json");
        }
        if (root == null || !root.isObject()) throw new UserException(file + ": expected a JSON object");
        return parse(root, file.toString());
    }

    static GptConfig parse(JsonNode root, String label) {
        String type = text(root, "model_type", "gpt2", label);
        if (type.equals("marian")) throw new UserException(label + ": an encoder-decoder (marian) model; use 'gpt translate'");
        if (!type.equals("gpt2")) throw new UserException(label + ": model_type is '" + type + "', only gpt2 models are supported");
        requireFlag(root, "scale_attn_weights", true, label);
        requireFlag(root, "scale_attn_by_inverse_layer_idx", false, label);
        requireFlag(root, "tie_word_embeddings", true, label);
        requireFlag(root, "add_cross_attention", false, label);
        int nEmbd = integer(root, "n_embd", label);
        int nPositions = root.has("n_positions") ? integer(root, "n_positions", label) : integer(root, "n_ctx", label);
        JsonNode inner = root.get("n_inner");
        int nInner = inner == null || inner.isNull() ? 4 * nEmbd : integer(root, "n_inner", label);
        JsonNode ext = root.path("jgpt");
        boolean bias = !ext.has("bias") || ext.get("bias").asBoolean(true);
        PositionalEncoding pos = ext.has("positional_encoding")
                ? PositionalEncoding.parse(ext.get("positional_encoding").asText()) : PositionalEncoding.LEARNED;
        try {
            return new GptConfig(integer(root, "n_layer", label), integer(root, "n_head", label), nEmbd, nPositions,
                    integer(root, "vocab_size", label), nInner, (float) number(root, "resid_pdrop", 0.1, label), bias,
                    Activation.parse(text(root, "activation_function", "gelu_new", label)), pos,
                    (float) number(root, "layer_norm_epsilon", 1e-5, label));
        } catch (UserException e) {
            throw new UserException(label + ": " + e.getMessage());
        }
    }

    /** HF-compatible config.json text for {@code cfg}; bos/eos set to {@code endOfText} when it is >= 0. */
    public static String toJson(GptConfig cfg, int endOfText) {
        return toJson(cfg, endOfText, "float32");
    }

    /** As above, recording the weights' dtype ("float32", "bfloat16", "float16") as HF's torch_dtype. */
    public static String toJson(GptConfig cfg, int endOfText, String torchDtype) {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add("GPT2LMHeadModel");
        o.put("model_type", "gpt2");
        o.put("activation_function", cfg.activation().hfName());
        o.put("attn_pdrop", cfg.dropout());
        o.put("embd_pdrop", cfg.dropout());
        o.put("resid_pdrop", cfg.dropout());
        if (endOfText >= 0) {
            o.put("bos_token_id", endOfText);
            o.put("eos_token_id", endOfText);
        }
        o.put("initializer_range", 0.02);
        o.put("layer_norm_epsilon", cfg.layerNormEps());
        o.put("n_ctx", cfg.blockSize());
        o.put("n_embd", cfg.nEmbd());
        o.put("n_head", cfg.nHead());
        if (cfg.nInner() == 4 * cfg.nEmbd()) o.putNull("n_inner");
        else o.put("n_inner", cfg.nInner());
        o.put("n_layer", cfg.nLayer());
        o.put("n_positions", cfg.blockSize());
        o.put("reorder_and_upcast_attn", false);
        o.put("scale_attn_by_inverse_layer_idx", false);
        o.put("scale_attn_weights", true);
        o.put("tie_word_embeddings", true);
        o.put("torch_dtype", torchDtype);
        o.put("use_cache", true);
        o.put("vocab_size", cfg.vocabSize());
        ObjectNode ext = o.putObject("jgpt");
        ext.put("bias", cfg.bias());
        ext.put("positional_encoding", cfg.positional().key());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int integer(JsonNode root, String key, String label) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) throw new UserException(label + ": missing \"" + key + "\"; config.json must describe a GPT-2 model");
        if (!n.canConvertToInt() || !n.isIntegralNumber()) throw new UserException(label + ": \"" + key + "\" must be an integer, got " + n);
        return n.intValue();
    }

    private static double number(JsonNode root, String key, double dflt, String label) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return dflt;
        if (!n.isNumber()) throw new UserException(label + ": \"" + key + "\" must be a number, got " + n);
        return n.doubleValue();
    }

    private static String text(JsonNode root, String key, String dflt, String label) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return dflt;
        if (!n.isTextual()) throw new UserException(label + ": \"" + key + "\" must be a string, got " + n);
        return n.asText();
    }

    private static void requireFlag(JsonNode root, String key, boolean expected, String label) {
        JsonNode n = root.get(key);
        if (n != null && !n.isNull() && n.asBoolean(expected) != expected) {
            throw new UserException(label + ": \"" + key + "\": " + n + " is not supported (GPT-2 uses " + expected + ")");
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
