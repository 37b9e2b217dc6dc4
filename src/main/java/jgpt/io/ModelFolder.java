package jgpt.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import jgpt.UserException;
import jgpt.model.GptConfig;
import jgpt.model.Gpt;
import jgpt.nn.Parameters;
import jgpt.tensor.Tensor;

/**
 * A model as a Hugging Face folder: config.json + model.safetensors (+ tokenizer files, written by the
 * tokenizer). Reads keys with or without the "transformer." prefix, ignores the attention-mask buffers and
 * a tied lm_head.weight; rejects missing, unknown or mis-shaped tensors.
 * <pre>{@code
 * Gpt model = ModelFolder.loadModel(Path.of("out/baby"));
 * ModelFolder.writeModel(dir, model, DType.F32, 65);
 * }</pre>
 */
public final class ModelFolder {
    private ModelFolder() {}

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";

    public static GptConfig readConfig(Path dir) {
        checkFolder(dir);
        return HfConfig.read(dir.resolve(CONFIG));
    }

    /** Loads a trainable model (with gradient buffers). */
    public static Gpt loadModel(Path dir) {
        return load(dir, true);
    }

    /** Loads a model for generation and scoring only: no gradient buffers, half the memory. */
    public static Gpt loadForInference(Path dir) {
        return load(dir, false);
    }

    private static Gpt load(Path dir, boolean trainable) {
        GptConfig cfg = readConfig(dir);
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            throw new UserException(dir + ": no " + WEIGHTS + "; the folder must hold safetensors weights (convert pytorch_model.bin with HF save_pretrained(safe_serialization=True))");
        }
        Gpt model = new Gpt(cfg, trainable);
        try (SafetensorsFile f = SafetensorsFile.open(weights)) {
            loadWeights(f, model, weights.toString());
        }
        return model;
    }

    static void loadWeights(SafetensorsFile f, Gpt model, String label) {
        String prefix = f.contains("wte.weight") ? "" : f.contains("transformer.wte.weight") ? "transformer." : null;
        if (prefix == null) throw new UserException(label + ": no wte.weight tensor; this is not a GPT-2 checkpoint");
        Set<String> used = new HashSet<>();
        Parameters params = model.parameters();
        for (Parameters.Entry e : params.entries()) {
            String key = prefix + e.name();
            Tensor t = e.tensor();
            if (!f.contains(key)) {
                throw new UserException(label + ": missing tensor " + key + " (config.json describes a model this file does not match)");
            }
            int[] shape = f.shape(key);
            if (!Arrays.equals(shape, t.shape().dims())) {
                throw new UserException(label + ": tensor " + key + " has shape " + Arrays.toString(shape)
                        + " but config.json implies " + t.shape());
            }
            f.readFloats(key, t.data(), t.offset());
            used.add(key);
        }
        for (String name : f.names()) {
            if (used.contains(name)) continue;
            String bare = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
            if (bare.endsWith("attn.bias") || bare.endsWith("attn.masked_bias") || name.equals("lm_head.weight")) continue;
            if (!model.config().bias() && bare.endsWith(".bias") && allZero(f.readFloats(name))) continue;
            throw new UserException(label + ": unknown tensor " + name + " (not part of a GPT-2 model with this config.json)");
        }
    }

    private static boolean allZero(float[] v) {
        for (float x : v) if (x != 0f) return false;
        return true;
    }

    /**
     * Writes config.json and model.safetensors into {@code dir} (which must exist). Biases a bias-free model
     * lacks are written as zeros so Hugging Face's GPT2LMHeadModel loads the same function.
     */
    public static void writeModel(Path dir, Gpt model, DType dtype, int endOfText) throws IOException {
        GptConfig cfg = model.config();
        String torchDtype = switch (dtype) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            default -> "float32";
        };
        AtomicFiles.writeString(dir.resolve(CONFIG), HfConfig.toJson(cfg, endOfText, torchDtype));
        SafetensorsWriter w = new SafetensorsWriter(dtype).metadata("format", "pt");
        for (Parameters.Entry e : model.parameters().entries()) {
            Tensor t = e.tensor();
            w.addFloats(e.name(), t.shape().dims(), t.data(), t.offset());
        }
        if (!cfg.bias()) addZeroBiases(w, cfg);
        w.write(dir.resolve(WEIGHTS));
    }

    private static void addZeroBiases(SafetensorsWriter w, GptConfig cfg) {
        int c = cfg.nEmbd();
        float[] zeros = new float[Math.max(3 * c, cfg.nInner())];
        for (int i = 0; i < cfg.nLayer(); i++) {
            String h = "h." + i + ".";
            w.addFloats(h + "ln_1.bias", new int[] {c}, zeros, 0);
            w.addFloats(h + "attn.c_attn.bias", new int[] {3 * c}, zeros, 0);
            w.addFloats(h + "attn.c_proj.bias", new int[] {c}, zeros, 0);
            w.addFloats(h + "ln_2.bias", new int[] {c}, zeros, 0);
            w.addFloats(h + "mlp.c_fc.bias", new int[] {cfg.nInner()}, zeros, 0);
            w.addFloats(h + "mlp.c_proj.bias", new int[] {c}, zeros, 0);
        }
        w.addFloats("ln_f.bias", new int[] {c}, zeros, 0);
    }

    private static void checkFolder(Path dir) {
        if (!Files.exists(dir)) throw new UserException(dir + ": model folder not found; pass a folder written by 'gpt train' or a Hugging Face GPT-2 folder");
        if (!Files.isDirectory(dir)) throw new UserException(dir + ": not a folder; pass the model folder (with config.json and model.safetensors)");
    }
}
