package jgpt.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.translate.DecodingSettings;
import jgpt.translate.MarianCheckpoint;
import jgpt.translate.MarianConfig;
import jgpt.translate.MarianModel;
import jgpt.translate.TranslationTokenizer;
import jgpt.translate.Translator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gpt translate}: greedy or beam-search translation with an encoder-decoder (Marian) model folder. */
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate sentences with an encoder-decoder (Marian) model folder; one output line per input line.")
final class TranslateCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR", description = "Marian model folder: config.json, model.safetensors or pytorch_model.bin, and the tokenizer"
            + " (an opus-mt folder's source.spm/target.spm/vocab.json, or a gpt train-translation run's BPE files).")
    Path model;

    @Option(names = "--text", paramLabel = "TEXT", description = "One sentence to translate.")
    String text;

    @Option(names = "--file", paramLabel = "FILE", description = "UTF-8 file, one sentence per line.")
    Path file;

    @Option(names = "--beam", paramLabel = "N", description = "Beams (1 = greedy; default: num_beams of generation_config.json, else 1).")
    Integer beam;

    @Option(names = "--length-penalty", paramLabel = "A", description = "HF length_penalty: a finished beam scores sum(log p) / length^A (default: the folder's, else 1.0).")
    Float lengthPenalty;

    @Option(names = "--max-len", paramLabel = "N", description = "Longest output in tokens, the start token included (HF max_length; default: the folder's, capped by the positions).")
    Integer maxLen;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "N", description = "Sentences decoded together (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws IOException {
        if ((text == null) == (file == null)) throw new UserException("give exactly one of --text or --file");
        if (beam != null && beam < 1) throw new UserException("--beam must be >= 1, got " + beam);
        if (batch < 1) throw new UserException("--batch must be >= 1, got " + batch);
        if (!Files.isDirectory(model)) throw new UserException(model + ": model folder not found");
        if (!MarianConfig.isMarian(model)) {
            throw new UserException(model + " is not an encoder-decoder (model_type \"marian\") folder; use 'gpt generate' for GPT models");
        }
        TranslationTokenizer tokenizer = TranslationTokenizer.load(model);
        MarianModel m = MarianCheckpoint.load(model, false);
        tokenizer.checkMatches(m.config(), model);
        DecodingSettings st = DecodingSettings.of(model, m.config());
        if (beam != null) st = st.withBeams(beam);
        if (lengthPenalty != null) st = st.withLengthPenalty(lengthPenalty);
        if (maxLen != null) {
            if (maxLen > m.config().maxPositions()) throw new UserException("--max-len " + maxLen + " exceeds the model's " + m.config().maxPositions() + " positions");
            st = st.withMaxLength(maxLen);
        }
        List<String> lines;
        if (text != null) {
            lines = List.of(text);
        } else {
            if (!Files.isRegularFile(file)) throw new UserException(file + ": file not found");
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        Translator tr = new Translator(m, tokenizer);
        long t0 = System.nanoTime();
        List<String> out = tr.translate(lines, st, batch, (count, max) -> System.err.printf(Locale.ROOT,
                "warning: %d sentence(s) longer than the model's %d positions were truncated%n", count, max));
        double secs = (System.nanoTime() - t0) / 1e9;
        StringBuilder sb = new StringBuilder();
        for (String s : out) sb.append(s).append('\n');
        System.out.print(sb);
        System.out.flush();
        System.err.printf(Locale.ROOT, "translated %d line(s) in %.2f s (%.1f sentences/s, beam %d)%n", lines.size(), secs, lines.size() / secs, st.beams());
        return 0;
    }
}
