package jgpt.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Crash-safe file and directory writes: data goes to a temporary sibling, is fsynced, then renamed into place,
 * so readers see either the old or the complete new content, never a partial one.
 * <pre>{@code
 * AtomicFiles.writeString(dir.resolve("config.json"), json);
 * AtomicFiles.replaceDirectory(ckpt, tmp -> saveModel(tmp));
 * }</pre>
 */
public final class AtomicFiles {
    /** Infix of temporary files/directories: {@code name.tmp-XXXXXXXX}. */
    public static final String TMP_INFIX = ".tmp-";
    /** Infix of the previous directory kept during a swap: {@code name.old-XXXXXXXX}. */
    public static final String OLD_INFIX = ".old-";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BUFFER = 1 << 16;

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically: {@code body} writes to a buffered stream on a temp file in the same
     * directory, which is then flushed, fsynced and renamed over {@code target}. On any failure the temp file
     * is deleted and {@code target} is unchanged. The parent directory must exist.
     */
    public static void write(Path target, IOConsumer<OutputStream> body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = dir.resolve(abs.getFileName() + TMP_INFIX + randomSuffix());
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream raw = Channels.newOutputStream(ch);
                BufferedOutputStream out = new BufferedOutputStream(new NonClosingOutputStream(raw), BUFFER);
                body.accept(out);
                out.flush();
                ch.force(true);
            }
            move(tmp, abs);
            fsyncDirectory(dir);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Replaces the directory {@code target} as a whole. {@code fill} populates a fresh sibling directory
     * {@code target.tmp-XXXX}; its files are then fsynced and it is swapped in: the old {@code target} (if any) is
     * renamed to {@code target.old-XXXX}, the new one renamed to {@code target}, and the old one deleted.
     * If {@code fill} fails, the temp directory is deleted and {@code target} is untouched. A crash leaves at
     * worst a missing {@code target} next to its {@code .old-} copy, which {@link #recoverDirectory} restores.
     */
    public static void replaceDirectory(Path target, IOConsumer<Path> fill) throws IOException {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        recoverDirectory(abs);
        Files.createDirectories(parent);
        Path tmp = parent.resolve(abs.getFileName() + TMP_INFIX + randomSuffix());
        Files.createDirectory(tmp);
        boolean filled = false;
        try {
            fill.accept(tmp);
            fsyncTree(tmp);
            filled = true;
        } finally {
            if (!filled) {
                deleteRecursively(tmp);
            }
        }
        Path old = null;
        if (Files.exists(abs)) {
            old = parent.resolve(abs.getFileName() + OLD_INFIX + randomSuffix());
            move(abs, old);
        }
        try {
            move(tmp, abs);
        } catch (IOException | RuntimeException e) {
            if (old != null) {
                try {
                    move(old, abs);
                } catch (IOException e2) {
                    e.addSuppressed(e2);
                }
            }
            deleteRecursively(tmp);
            throw e;
        }
        fsyncDirectory(parent);
        if (old != null) {
            deleteRecursively(old);
        }
    }

    /**
     * Cleans up after a crash during {@link #replaceDirectory}: if {@code target} is missing but a
     * {@code target.old-XXXX} sibling exists, it is renamed back; leftover {@code target.tmp-XXXX} entries and
     * stale {@code .old-} copies are deleted. Safe to call at any time; does nothing when there is nothing to do.
     */
    public static void recoverDirectory(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        if (!Files.isDirectory(parent)) {
            return;
        }
        String name = abs.getFileName().toString();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent,
                p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith(name + TMP_INFIX) || n.startsWith(name + OLD_INFIX);
                })) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(name + OLD_INFIX) && !Files.exists(abs)) {
                    move(p, abs);
                } else {
                    deleteRecursively(p);
                }
            }
        }
    }

    /** Deletes a file or a directory tree; missing paths are ignored. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void fsyncTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                fsyncDirectory(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Best effort: persists a directory's entries (works on Linux/macOS; silently skipped where unsupported). */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open directories; the rename itself is still atomic there.
        }
    }

    private static String randomSuffix() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Keeps {@code body} from closing the channel before it is fsynced. */
    private static final class NonClosingOutputStream extends java.io.FilterOutputStream {
        NonClosingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
