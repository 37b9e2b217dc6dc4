package jgpt.translate;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jgpt.UserException;

/** Sentence pairs from a tab-separated file: source and target in two chosen (1-based) columns of every line. */
public final class ParallelCorpus {
    private ParallelCorpus() {}

    /** One pair and the line it came from. */
    public record Pair(String source, String target, int line) {}

    /** Parses "2,3" into 1-based column numbers {source, target}. */
    public static int[] columns(String spec) {
        String[] parts = spec.split(",");
        try {
            if (parts.length == 2) {
                int s = Integer.parseInt(parts[0].trim()), t = Integer.parseInt(parts[1].trim());
                if (s >= 1 && t >= 1 && s != t) return new int[] {s, t};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserException("--columns must be two different 1-based column numbers SOURCE,TARGET (e.g. 2,3), got '" + spec + "'");
    }

    /**
     * Every line must have the same number of tab-separated fields as the first and non-empty source and target
     * fields; otherwise the error names the file and line.
     */
    public static List<Pair> read(Path file, int[] columns) {
        if (!Files.isRegularFile(file)) throw new UserException(file + ": file not found");
        List<Pair> pairs = new ArrayList<>();
        int expected = -1, lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                String[] f = line.split("\t", -1);
                if (expected < 0) {
                    expected = f.length;
                    if (expected < Math.max(columns[0], columns[1])) {
                        throw new UserException(file + ":" + lineNo + ": " + f.length + " tab-separated column(s), --columns needs "
                                + Math.max(columns[0], columns[1]));
                    }
                } else if (f.length != expected) {
                    throw new UserException(file + ":" + lineNo + ": " + f.length + " tab-separated column(s), expected " + expected + " as on line 1");
                }
                String src = f[columns[0] - 1].strip(), tgt = f[columns[1] - 1].strip();
                if (src.isEmpty()) throw new UserException(file + ":" + lineNo + ": empty source (column " + columns[0] + ")");
                if (tgt.isEmpty()) throw new UserException(file + ":" + lineNo + ": empty target (column " + columns[1] + ")");
                pairs.add(new Pair(src, tgt, lineNo));
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UserException(file + ":" + (lineNo + 1) + ": not valid UTF-8");
        } catch (IOException e) {
            throw new UserException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (pairs.isEmpty()) throw new UserException(file + ": no sentence pairs");
        return pairs;
    }
}
