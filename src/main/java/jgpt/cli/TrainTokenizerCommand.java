package jgpt.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.tokenizer.BpeTrainer;
import jgpt.tokenizer.ByteLevelBpe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gpt train-tokenizer}: learn a byte-level BPE vocabulary (GPT-2 style) from a text file. */
@Command(name = "train-tokenizer", mixinStandardHelpOptions = true,
        description = "Learn a byte-level BPE tokenizer from text; saves vocab.json, merges.txt and tokenizer.json.")
final class TrainTokenizerCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "FILE", description = "UTF-8 training text.")
    Path data;

    @Option(names = "--vocab-size", defaultValue = "1024", description = "Ids including the 256 byte tokens (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Folder for the tokenizer files.")
    Path out;

    @Option(names = "--eot", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Add <|endoftext|> as the last id (default: on; --no-eot to leave it out).")
    boolean eot;

    @Override
    public Integer call() throws IOException {
        if (vocabSize < 256) throw new UserException("--vocab-size must be at least 256 (the byte alphabet), got " + vocabSize);
        if (!Files.isRegularFile(data)) throw new UserException(data + ": file not found; give a UTF-8 text file");
        String text = Files.readString(data, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        ByteLevelBpe bpe = BpeTrainer.train(text, vocabSize, eot);
        double secs = (System.nanoTime() - t0) / 1e9;
        Files.createDirectories(out);
        bpe.save(out);
        double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        System.out.printf(Locale.ROOT, "%s: %d ids (%d merges) learned from %.2f MB in %.2f s (%.1f MB/s)%n",
                out, bpe.vocabSize(), bpe.merges().length, mb, secs, mb / secs);
        return 0;
    }
}
