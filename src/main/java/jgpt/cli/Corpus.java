package jgpt.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jgpt.UserException;

/** Training text: a user's UTF-8 file or the bundled Tiny Shakespeare. */
final class Corpus {
    static final String BUILTIN = "builtin:tinyshakespeare";
    private static final String RESOURCE = "/jgpt/data/tinyshakespeare.txt";

    private Corpus() {}

    static String read(String source) throws IOException {
        if (source.equals(BUILTIN)) {
            try (InputStream in = Corpus.class.getResourceAsStream(RESOURCE)) {
                if (in == null) throw new IllegalStateException("bundled corpus missing from the jar");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        Path p = Path.of(source);
        if (!Files.exists(p)) throw new UserException(source + ": file not found; give a UTF-8 text file with --data");
        if (Files.isDirectory(p)) throw new UserException(source + ": is a folder; give a UTF-8 text file with --data");
        String text = Files.readString(p, StandardCharsets.UTF_8);
        if (text.isEmpty()) throw new UserException(source + ": is empty; give some text to train on");
        return text;
    }

    /** A short name for default output folders. */
    static String name(String source) {
        if (source.equals(BUILTIN)) return "shakespeare";
        String f = Path.of(source).getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }
}
