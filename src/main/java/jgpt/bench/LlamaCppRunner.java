package jgpt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import jgpt.model.WeightFormat;

/**
 * llama.cpp as the decode anchor: bench/llamacpp/decode.mjs runs node-llama-cpp's prebuilt CPU build of llama.cpp
 * on GGUF files of a random GPT-2 124M-shaped model that bench/llamacpp/setup writes (f32, bf16, q8_0 for our
 * int8). Like PyTorch it runs at its best thread count: 1 and 2 threads are tried and the faster kept.
 */
public final class LlamaCppRunner {
    private final Path dir;

    /** dir: the bench/llamacpp folder. */
    public LlamaCppRunner(Path dir) { this.dir = dir; }

    /** Null when everything is set up, else what is missing and how to get it. */
    public String unavailableReason() {
        if (!Files.isRegularFile(dir.resolve("decode.mjs"))) return dir.resolve("decode.mjs") + " not found (run from the repository root)";
        if (!Files.isDirectory(dir.resolve("node_modules/node-llama-cpp")) || !Files.isDirectory(dir.resolve("models"))) {
            return "llama.cpp is not set up (run " + dir.resolve("setup") + " once)";
        }
        for (WeightFormat f : WeightFormat.values()) {
            if (!Files.isRegularFile(model(f))) return model(f) + " not found (run " + dir.resolve("setup") + " again)";
        }
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return "node does not run";
        } catch (IOException | InterruptedException e) {
            return "node not found (install Node.js)";
        }
        return null;
    }

    /** llama.cpp's weight format closest to ours: q8_0 (blocks of 32 int8 weights, an fp16 scale each) for int8. */
    public static String ggufType(WeightFormat f) {
        return switch (f) {
            case F32 -> "f32";
            case BF16 -> "bf16";
            case INT8 -> "q8_0";
        };
    }

    Path model(WeightFormat f) { return dir.resolve("models/gpt2-124M-random-" + ggufType(f) + ".gguf"); }

    /** Greedy batch-1 decode of {@code tokens} tokens, best of 1 and 2 threads; null if llama.cpp failed. */
    public JsonNode decode(WeightFormat f, int tokens) throws IOException, InterruptedException {
        JsonNode best = null;
        for (int threads : new int[] {1, 2}) {
            ObjectNode r = (ObjectNode) ProcessJson.lastLine(
                    new ProcessBuilder("node", dir.resolve("decode.mjs").toString(), model(f).toString(), "" + tokens, "" + threads, "3"));
            if (r == null) continue;
            r.put("weights", ggufType(f));
            if (best == null || r.get("tokens_per_s").asDouble() > best.get("tokens_per_s").asDouble()) best = r;
        }
        return best;
    }
}
