package jgpt.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jgpt.UserException;
import jgpt.io.AtomicFiles;
import jgpt.io.SafetensorsFile;
import jgpt.io.SafetensorsWriter;
import jgpt.train.AdamW;

/**
 * A translation run's folder, usable by {@code gpt translate} as it is: config.json, model.safetensors, the
 * tokenizer, generation_config.json, plus what an exact resume needs (optimizer.safetensors with Adam's moments,
 * trainer_state.json with the settings, step, epoch position and Rng state) and the logs (loss.csv, valid.csv).
 * Replaced as a whole, so an interrupted save leaves the previous checkpoint intact.
 */
public final class TranslationCheckpoint {
    private TranslationCheckpoint() {}

    public static final String STATE = "trainer_state.json", OPTIMIZER = "optimizer.safetensors";
    public static final String LOSS_LOG = "loss.csv", VALID_LOG = "valid.csv";
    static final ObjectMapper JSON = new ObjectMapper();

    public record Loaded(MarianModel model, TranslationTokenizer tokenizer, TranslationTrainer.Settings settings,
                         TranslationTrainer.Progress progress, float[] m, float[] v, List<String> lossRows, List<String> evalRows) {}

    public static boolean exists(Path dir) { return Files.isRegularFile(dir.resolve(STATE)); }

    static void save(Path dir, MarianModel model, TranslationTokenizer tokenizer, AdamW opt, TranslationTrainer.Settings s,
                     TranslationTrainer.Progress p, List<String> lossRows, List<String> evalRows) throws IOException {
        AtomicFiles.replaceDirectory(dir, tmp -> {
            MarianCheckpoint.write(tmp, model);
            tokenizer.save(tmp);
            Files.writeString(tmp.resolve("generation_config.json"), generationConfig(model.config()), StandardCharsets.UTF_8);
            int n = opt.firstMoment().length;
            new SafetensorsWriter().addFloats("m", new int[] {n}, opt.firstMoment(), 0)
                    .addFloats("v", new int[] {n}, opt.secondMoment(), 0).write(tmp.resolve(OPTIMIZER));
            ObjectNode st = JSON.createObjectNode();
            st.set("settings", JSON.valueToTree(s));
            st.set("progress", JSON.valueToTree(p));
            st.put("optimizer_steps", opt.stepCount());
            Files.writeString(tmp.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(st) + "\n", StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(LOSS_LOG), "step,loss,lr,tokens_per_s\n" + join(lossRows), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(VALID_LOG), "step,valid_nll,bleu,chrf\n" + join(evalRows), StandardCharsets.UTF_8);
        });
    }

    private static String join(List<String> rows) {
        StringBuilder sb = new StringBuilder();
        for (String r : rows) sb.append(r).append('\n');
        return sb.toString();
    }

    /** HF generation defaults for our models: beam 4, pad banned, outputs up to the position table. */
    static String generationConfig(MarianConfig cfg) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("num_beams", 4);
        o.put("max_length", cfg.maxPositions());
        o.put("length_penalty", 1.0);
        o.putArray("bad_words_ids").addArray().add(cfg.padId());
        o.put("decoder_start_token_id", cfg.decoderStartId());
        o.put("eos_token_id", cfg.eosId());
        o.put("pad_token_id", cfg.padId());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
    }

    public static Loaded load(Path dir) {
        try {
            AtomicFiles.recoverDirectory(dir);
            JsonNode st = JSON.readTree(dir.resolve(STATE).toFile());
            TranslationTrainer.Settings s = JSON.treeToValue(st.get("settings"), TranslationTrainer.Settings.class);
            TranslationTrainer.Progress p = JSON.treeToValue(st.get("progress"), TranslationTrainer.Progress.class);
            MarianModel model = MarianCheckpoint.load(dir, true);
            float[] m, v;
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(OPTIMIZER))) {
                m = f.readFloats("m");
                v = f.readFloats("v");
            }
            return new Loaded(model, TranslationTokenizer.load(dir), s, p, m, v, rows(dir.resolve(LOSS_LOG)), rows(dir.resolve(VALID_LOG)));
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserException u) throw u;
            throw new UserException(dir + ": cannot resume from this checkpoint (" + e.getMessage() + ")");
        }
    }

    private static List<String> rows(Path file) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        if (!lines.isEmpty()) lines.remove(0);
        return lines;
    }
}
