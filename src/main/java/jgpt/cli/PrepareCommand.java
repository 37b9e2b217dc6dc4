package jgpt.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.io.AtomicFiles;
import jgpt.io.TokenShardWriter;
import jgpt.tokenizer.CharTokenizer;
import jgpt.tokenizer.Tokenizer;
import jgpt.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gpt prepare}: text files to token shards (train.bin / val.bin) in nanoGPT's raw uint16 format or
 * llm.c's headered format, streaming in chunks so memory stays constant for inputs of any size.
 * The tokenizer's files are saved beside the shards so {@code gpt train --data DIR} knows the vocabulary.
 */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = "Tokenize text files into train.bin / val.bin shards (nanoGPT or llm.c format), streaming.")
final class PrepareCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "TEXT_FILE", description = "UTF-8 text files, concatenated in order.")
    java.util.List<Path> inputs;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Folder for train.bin, val.bin and the tokenizer files.")
    Path out;

    @Option(names = "--tokenizer", defaultValue = "gpt2", paramLabel = "gpt2|char|DIR", description = "Tokenizer (default: ${DEFAULT-VALUE}).")
    String tokenizerSpec;

    @Option(names = "--format", defaultValue = "nanogpt", paramLabel = "nanogpt|llmc",
            description = "nanogpt: raw uint16; llmc: 256-int32 header then uint16 (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--val-fraction", defaultValue = "0.1", description = "Share of the input (by bytes, from the end) for val.bin (default: ${DEFAULT-VALUE}).")
    double valFraction;

    @Option(names = "--eot", description = "Append the end-of-text token after each input file (GPT-2 document separator).")
    boolean eot;

    static final int CHUNK_CHARS = 1 << 20;

    @Override
    public Integer call() throws IOException {
        TokenShardWriter.Format fmt = switch (format.toLowerCase(Locale.ROOT)) {
            case "nanogpt" -> TokenShardWriter.Format.NANOGPT;
            case "llmc", "llm.c" -> TokenShardWriter.Format.LLMC;
            default -> throw new UserException("--format must be nanogpt or llmc, got '" + format + "'");
        };
        if (!(valFraction >= 0 && valFraction < 1)) throw new UserException("--val-fraction must be in [0, 1)");
        long totalBytes = 0;
        for (Path p : inputs) {
            if (!Files.isRegularFile(p)) throw new UserException(p + ": file not found; give UTF-8 text files");
            totalBytes += Files.size(p);
        }
        Tokenizer tokenizer = tokenizer();
        if (tokenizer.vocabSize() > 65536) throw new UserException("the tokenizer has " + tokenizer.vocabSize() + " ids; .bin shards hold uint16 ids (at most 65,536)");
        if (eot && tokenizer.endOfTextId() < 0) throw new UserException("--eot needs a tokenizer with an end-of-text token (e.g. gpt2)");
        Files.createDirectories(out);
        long trainBytes = (long) Math.ceil(totalBytes * (1 - valFraction));
        long start = System.nanoTime(), done = 0, lastReport = start;
        try (TokenShardWriter train = new TokenShardWriter(out.resolve("train.bin"), fmt);
             TokenShardWriter val = new TokenShardWriter(out.resolve("val.bin"), fmt)) {
            char[] buf = new char[CHUNK_CHARS];
            boolean inTrain = true;
            for (Path p : inputs) {
                try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                    int carry = 0;
                    while (true) {
                        int n = fill(r, buf, carry);
                        boolean last = n < buf.length;
                        int cut = last ? n : safeCut(buf, n);
                        // the chunk that crosses the train/val boundary is cut there; everything after goes to val
                        int split = inTrain ? splitPoint(buf, cut, trainBytes - done) : 0;
                        done += encode(tokenizer, buf, 0, split, train);
                        if (split < cut) inTrain = false;
                        done += encode(tokenizer, buf, split, cut, val);
                        System.arraycopy(buf, cut, buf, 0, n - cut);
                        carry = n - cut;
                        long now = System.nanoTime();
                        if (now - lastReport > 1_000_000_000L) {
                            lastReport = now;
                            System.err.printf(Locale.ROOT, "\r%.1f / %.1f MB (%.1f MB/s)", done / 1e6, totalBytes / 1e6, done / 1e6 / ((now - start) / 1e9));
                        }
                        if (last && carry == 0) break;
                    }
                }
                if (eot) (inTrain ? train : val).write(new int[] {tokenizer.endOfTextId()}, 0, 1);
            }
            tokenizer.save(out);
            AtomicFiles.writeString(out.resolve("meta.json"), String.format(Locale.ROOT,
                    "{\"vocab_size\": %d, \"tokenizer\": \"%s\", \"format\": \"%s\", \"train_tokens\": %d, \"val_tokens\": %d}%n",
                    tokenizer.vocabSize(), tokenizerSpec.replace("\\", "\\\\").replace("\"", "\\\""), fmt.name().toLowerCase(Locale.ROOT),
                    train.count(), val.count()));
            double secs = (System.nanoTime() - start) / 1e9;
            System.err.print("\r");
            System.out.printf(Locale.ROOT, "%s: %,d train tokens, %,d val tokens from %.1f MB in %.1f s (%.1f MB/s)%n",
                    out, train.count(), val.count(), totalBytes / 1e6, secs, totalBytes / 1e6 / secs);
        }
        return 0;
    }

    /** Encodes buf[from, to) into the writer; returns the UTF-8 byte count of that text. */
    private static long encode(Tokenizer tokenizer, char[] buf, int from, int to, TokenShardWriter w) throws IOException {
        if (from >= to) return 0;
        String piece = new String(buf, from, to - from);
        int[] ids = tokenizer.encode(piece);
        w.write(ids, 0, ids.length);
        return piece.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Where to end the train part inside buf[0, n): n if all of it fits in budget bytes, else a safe cut near the budget. */
    static int splitPoint(char[] buf, int n, long budget) {
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            char ch = buf[i];
            bytes += ch < 0x80 ? 1 : ch < 0x800 ? 2 : Character.isSurrogate(ch) ? 2 : 3;
            if (bytes >= budget) return Math.min(n, safeCut(buf, i + 1));
        }
        return n;
    }

    private Tokenizer tokenizer() throws IOException {
        if (tokenizerSpec.equals("char")) {
            // first pass: the alphabet (streamed, constant memory)
            TreeSet<Integer> chars = new TreeSet<>();
            for (Path p : inputs) {
                try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                    char[] buf = new char[CHUNK_CHARS];
                    int n;
                    while ((n = r.read(buf)) > 0) new String(buf, 0, n).codePoints().forEach(chars::add);
                }
            }
            StringBuilder sb = new StringBuilder();
            chars.forEach(sb::appendCodePoint);
            return CharTokenizer.fromText(sb.toString());
        }
        Path dir = Path.of(tokenizerSpec);
        return Files.isDirectory(dir) ? Tokenizers.load(dir) : Tokenizers.byName(tokenizerSpec);
    }

    private static int fill(Reader r, char[] buf, int from) throws IOException {
        int n = from;
        while (n < buf.length) {
            int k = r.read(buf, n, buf.length - n);
            if (k < 0) break;
            n += k;
        }
        return n;
    }

    /**
     * A chunk end that cannot change tokenization: just after a newline that is followed by a character
     * which is neither whitespace nor a low surrogate (GPT-2's pre-tokenizer never joins across it).
     */
    static int safeCut(char[] buf, int n) {
        for (int i = n - 2; i > 0; i--) {
            if (buf[i] == '\n' && !Character.isWhitespace(buf[i + 1]) && !Character.isLowSurrogate(buf[i + 1])
                    && buf[i + 1] != '\u00a0' && buf[i + 1] != '\u3000') {
                return i + 1;
            }
        }
        return n; // one giant line: cut anywhere (may split a word once per megabyte)
    }
}
