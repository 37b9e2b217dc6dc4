package jgpt.inspect.plot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jgpt.UserException;
import jgpt.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Writes a chart as a PNG file atomically (a reader never sees half a picture). */
public final class Png {
    private Png() {}

    public static void write(Chart<?, ?> chart, Path file) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, png);
    }

    /** Fails before any work is done when {@code file} cannot be written (missing folder, not .png). */
    public static void checkWritable(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (!name.toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            throw new UserException(file + ": the picture is written as PNG; give a file name ending in .png");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new UserException(file + ": folder " + dir + " does not exist");
        if (!Files.isWritable(dir)) throw new UserException(file + ": folder " + dir + " is not writable");
        if (Files.isDirectory(file)) throw new UserException(file + " is a folder; give a .png file name");
    }
}
