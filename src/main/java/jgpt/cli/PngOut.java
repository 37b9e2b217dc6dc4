package jgpt.cli;

import java.awt.Font;
import java.nio.file.Files;
import java.nio.file.Path;
import jgpt.UserException;

/** Checks of an --out FILE.png path before any work is done, and token labels as the PNGs show them. */
final class PngOut {
    private PngOut() {}

    /** Fails with a user error unless a PNG can be written at {@code out}. */
    static void check(Path out) {
        if (!out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            throw new UserException("--out " + out + ": the file name must end in .png");
        }
        Path dir = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) throw new UserException("--out " + out + ": folder " + dir + " does not exist");
        if (!Files.isWritable(dir)) throw new UserException("--out " + out + ": folder " + dir + " is not writable");
        if (Files.isDirectory(out)) throw new UserException("--out " + out + " is a folder; give a file name ending in .png");
        if (Files.exists(out) && !Files.isWritable(out)) throw new UserException("--out " + out + " exists and is not writable");
    }

    private static final char SPACE = new Font(Font.SANS_SERIF, Font.PLAIN, 12).canDisplay('␣') ? '␣' : '·';

    /** A token's one-line label with spaces made visible (GPT-2 tokens usually start with one). */
    static String label(String oneLine) {
        return oneLine.replace(' ', SPACE);
    }
}
