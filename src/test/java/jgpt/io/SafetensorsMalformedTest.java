package jgpt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jgpt.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed input gives a one-line UserException naming the file and the problem. */
class SafetensorsMalformedTest {
    @TempDir
    Path tmp;

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** A file with the given header JSON (padded to 8) and {@code dataBytes} zero bytes of data. */
    private Path withHeader(String json, int dataBytes) throws IOException {
        StringBuilder sb = new StringBuilder(json);
        while (sb.length() % 8 != 0) {
            sb.append(' ');
        }
        byte[] h = sb.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return file("bad.safetensors", b.array());
    }

    private static String fails(Path p, String... expected) {
        UserException e = assertThrows(UserException.class, () -> {
            try (SafetensorsFile f = SafetensorsFile.open(p)) {
                f.readFloats(f.names().iterator().next());
            }
        });
        String m = e.getMessage();
        assertTrue(m.startsWith(p.toString() + ": "), m);
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String s : expected) {
            assertTrue(m.contains(s), "'" + s + "' not in: " + m);
        }
        return m;
    }

    @Test
    void emptyFile() throws IOException {
        fails(file("empty.safetensors", new byte[0]), "empty");
    }

    @Test
    void tooShortForLength() throws IOException {
        fails(file("short.safetensors", new byte[] {1, 2, 3}), "3 bytes", "truncated");
    }

    @Test
    void missingFileAndDirectory() {
        fails(tmp.resolve("missing.safetensors"), "not found");
        UserException e = assertThrows(UserException.class, () -> SafetensorsFile.open(tmp));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(9999999);
        fails(file("model.safetensors", b.array()), "header length 9999999 exceeds file size 24",
                "truncated or not safetensors");
        ByteBuffer neg = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(-1);
        fails(file("neg.safetensors", neg.array()), "header length 18446744073709551615");
    }

    @Test
    void notJson() throws IOException {
        fails(withHeader("hello world", 0), "not start with '{'");
        fails(withHeader("{\"a\": {\"dtype\": \"F32\",, }}", 0), "not valid JSON");
        fails(withHeader("{\"a\":1} {}", 0), "not valid JSON");
        fails(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "not valid JSON", "a");
    }

    @Test
    void unknownDtype() throws IOException {
        fails(withHeader("{\"w\":{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'w'", "\"Q4\"", "not a known");
        fails(withHeader("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 8),
                "\"U8\"", "does not support");
    }

    @Test
    void missingOrWrongFields() throws IOException {
        fails(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "tensor 'w'", "data_offsets");
        fails(withHeader("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "tensor 'w'", "dtype");
        fails(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4), "shape");
        fails(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4), "data_offsets");
        fails(withHeader("{\"w\":[1,2]}", 4), "tensor 'w'");
        fails(withHeader("{\"__metadata__\":{\"k\":1},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                4), "metadata", "strings");
    }

    @Test
    void shapeOffsetMismatch() throws IOException {
        fails(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 24),
                "tensor 'w'", "20 bytes", "24 bytes");
        fails(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8), "end before");
    }

    @Test
    void overlappingOffsets() throws IOException {
        fails(withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "'a'", "'b'", "overlap");
    }

    @Test
    void truncatedData() throws IOException {
        fails(withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 12),
                "tensor 'w'", "truncated");
        // a real file cut short
        Path full = tmp.resolve("full.safetensors");
        new SafetensorsWriter().addFloats("x", new int[] {1000}, new float[1000], 0).write(full);
        byte[] bytes = Files.readAllBytes(full);
        fails(file("cut.safetensors", java.util.Arrays.copyOf(bytes, bytes.length - 1)), "'x'", "truncated");
    }

    @Test
    void missingTensorName() throws IOException {
        Path p = tmp.resolve("ok.safetensors");
        new SafetensorsWriter().addFloats("wte.weight", new int[] {1}, new float[1], 0).write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            UserException e = assertThrows(UserException.class, () -> f.readFloats("lm_head.weight"));
            assertTrue(e.getMessage().startsWith(p + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("'lm_head.weight'"), e.getMessage());
            assertTrue(e.getMessage().contains("wte.weight"), e.getMessage());
            assertThrows(UserException.class, () -> f.shape("nope"));
            assertEquals(1, f.names().size());
        }
    }
}
