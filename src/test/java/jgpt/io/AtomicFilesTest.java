package jgpt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    private List<String> listing() throws IOException {
        try (var s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writeReplacesContentAndLeavesNoTempFiles() throws IOException {
        Path f = tmp.resolve("config.json");
        AtomicFiles.writeString(f, "one");
        AtomicFiles.writeString(f, "two");
        assertEquals("two", Files.readString(f));
        AtomicFiles.write(f, out -> {
            out.write('x');
            out.close(); // closing inside the body is harmless
        });
        assertEquals("x", Files.readString(f));
        assertEquals(List.of("config.json"), listing());
    }

    @Test
    void failedWriteKeepsOldContent() throws IOException {
        Path f = tmp.resolve("a.txt");
        AtomicFiles.writeString(f, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("partial".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of("a.txt"), listing());
    }

    @Test
    void replaceDirectorySwapsWholeFolder() throws IOException {
        Path ckpt = tmp.resolve("ckpt");
        AtomicFiles.replaceDirectory(ckpt, d -> {
            Files.writeString(d.resolve("a"), "1");
            Files.writeString(d.resolve("stale"), "s");
        });
        AtomicFiles.replaceDirectory(ckpt, d -> {
            Files.writeString(d.resolve("a"), "2");
            Files.createDirectory(d.resolve("sub"));
            AtomicFiles.writeString(d.resolve("sub/b"), "3");
        });
        assertEquals("2", Files.readString(ckpt.resolve("a")));
        assertEquals("3", Files.readString(ckpt.resolve("sub/b")));
        assertFalse(Files.exists(ckpt.resolve("stale")), "old contents are gone, not merged");
        assertEquals(List.of("ckpt"), listing());
    }

    @Test
    void failedFillLeavesOldDirectoryUntouched() throws IOException {
        Path ckpt = tmp.resolve("ckpt");
        AtomicFiles.replaceDirectory(ckpt, d -> Files.writeString(d.resolve("a"), "1"));
        assertThrows(IOException.class, () -> AtomicFiles.replaceDirectory(ckpt, d -> {
            Files.writeString(d.resolve("a"), "half");
            throw new IOException("crash");
        }));
        assertThrows(IllegalStateException.class, () -> AtomicFiles.replaceDirectory(ckpt, d -> {
            throw new IllegalStateException("bug");
        }));
        assertEquals("1", Files.readString(ckpt.resolve("a")));
        assertEquals(List.of("ckpt"), listing());
    }

    @Test
    void recoverRestoresBackupAfterCrashBetweenRenames() throws IOException {
        Path ckpt = tmp.resolve("ckpt");
        // simulate a crash after "ckpt" was renamed to its backup, before the new one was renamed in
        Path old = tmp.resolve("ckpt" + AtomicFiles.OLD_INFIX + "0001");
        Files.createDirectory(old);
        Files.writeString(old.resolve("a"), "good");
        Path half = tmp.resolve("ckpt" + AtomicFiles.TMP_INFIX + "0002");
        Files.createDirectory(half);
        Files.writeString(half.resolve("a"), "new");
        Files.writeString(tmp.resolve("ckpt-other"), "unrelated");
        AtomicFiles.recoverDirectory(ckpt);
        assertEquals("good", Files.readString(ckpt.resolve("a")));
        assertEquals(List.of("ckpt", "ckpt-other"), listing());
        // replaceDirectory recovers by itself too
        Files.createDirectory(tmp.resolve("ckpt" + AtomicFiles.TMP_INFIX + "0003"));
        AtomicFiles.replaceDirectory(ckpt, d -> Files.writeString(d.resolve("a"), "next"));
        assertEquals("next", Files.readString(ckpt.resolve("a")));
        assertEquals(List.of("ckpt", "ckpt-other"), listing());
        assertTrue(Files.isDirectory(ckpt));
    }
}
