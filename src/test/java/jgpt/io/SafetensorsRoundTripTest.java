package jgpt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import jgpt.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    @TempDir
    Path tmp;

    private static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-9, 6)));
        }
        x[0] = 0f;
        x[1] = -0f;
        x[2] = Float.POSITIVE_INFINITY;
        x[3] = Float.NEGATIVE_INFINITY;
        x[4] = Float.NaN;
        x[5] = 1e-7f; // F16 subnormal range
        return x;
    }

    @Test
    void roundTripsAllWritableTypes() {
        float[] data = randomFloats(3 * 1000 + 7, 1);
        int[] ints = {Integer.MIN_VALUE, -1, 0, 1, 50256, Integer.MAX_VALUE};
        Path file = tmp.resolve("all.safetensors");
        new SafetensorsWriter(DType.F32)
                .metadata("format", "pt")
                .metadata("note", "caf\u00e9 \"quoted\"\n\ttab \ud83c\udf55")
                .addFloats("b.f16", new int[] {1000, 3}, data, 7, DType.F16)
                .addFloats("a.f32", new int[] {3, 1000}, data, 7)
                .addFloats("c.bf16", new int[] {3000}, data, 7, DType.BF16)
                .addInts("d.ints", new int[] {2, 3}, ints, 0)
                .addFloats("e.scalar", new int[] {}, new float[] {42f}, 0)
                .addFloats("f.empty", new int[] {0, 5}, new float[0], 0)
                .write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("a.f32", "b.f16", "c.bf16", "d.ints", "e.scalar", "f.empty"), List.copyOf(f.names()));
            assertEquals(Map.of("format", "pt", "note", "caf\u00e9 \"quoted\"\n\ttab \ud83c\udf55"), f.metadata());
            assertArrayEquals(new int[] {1000, 3}, f.shape("b.f16"));
            assertEquals(DType.BF16, f.dtype("c.bf16"));
            float[] a = f.readFloats("a.f32");
            float[] h = f.readFloats("b.f16");
            float[] b = f.readFloats("c.bf16");
            for (int i = 0; i < 3000; i++) {
                float x = data[7 + i];
                assertEquals(Float.floatToIntBits(x), Float.floatToIntBits(a[i]));
                assertEquals(Float.floatToIntBits(Float.float16ToFloat(Float.floatToFloat16(x))),
                        Float.floatToIntBits(h[i]), "F16 at " + i);
                assertEquals(Float.floatToIntBits(HalfPrecision.bf16ToFloat(HalfPrecision.floatToBf16(x))),
                        Float.floatToIntBits(b[i]), "BF16 at " + i);
            }
            assertArrayEquals(ints, f.readInts("d.ints"));
            assertArrayEquals(new float[] {42f}, f.readFloats("e.scalar"));
            assertEquals(0, f.readFloats("f.empty").length);
        }
    }

    @Test
    void largeTensorIsStreamedInChunks() {
        float[] big = randomFloats(700_000, 2); // > 1 MB chunk in F32 and in F16
        Path file = tmp.resolve("big.safetensors");
        new SafetensorsWriter(DType.F16).addFloats("x", new int[] {700, 1000}, big, 0)
                .addFloats("y", new int[] {700_000}, big, 0, DType.F32).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            float[] x = f.readFloats("x");
            for (int i = 0; i < big.length; i++) {
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(big[i])), x[i], 0f);
            }
            assertArrayEquals(big, f.readFloats("y"));
        }
    }

    @Test
    void headerFollowsConventions() throws IOException {
        Path file = tmp.resolve("h.safetensors");
        new SafetensorsWriter().metadata("z", "1").metadata("a", "2")
                .addFloats("b", new int[] {1}, new float[] {1}, 0)
                .addFloats("A", new int[] {2}, new float[] {1, 2}, 0)
                .write(file);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8);
        assertEquals(8 + n + 12, bytes.length);
        String header = new String(bytes, 8, (int) n, StandardCharsets.US_ASCII);
        assertEquals("{\"A\":{\"data_offsets\":[0,8],\"dtype\":\"F32\",\"shape\":[2]},"
                + "\"__metadata__\":{\"a\":\"2\",\"z\":\"1\"},"
                + "\"b\":{\"data_offsets\":[8,12],\"dtype\":\"F32\",\"shape\":[1]}}", header.stripTrailing());
    }

    @Test
    void writeIsAtomicAndReportsMissingDirectory() throws IOException {
        Path file = tmp.resolve("m.safetensors");
        new SafetensorsWriter().addFloats("x", new int[] {1}, new float[] {1}, 0).write(file);
        new SafetensorsWriter().addFloats("x", new int[] {1}, new float[] {2}, 0).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(2f, f.readFloats("x")[0]);
        }
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(file), s.toList(), "no temp files left behind");
        }
        Path missing = tmp.resolve("nope/m.safetensors");
        UserException e = assertThrows(UserException.class,
                () -> new SafetensorsWriter().addFloats("x", new int[] {1}, new float[] {1}, 0).write(missing));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void writerRejectsProgrammingErrors() {
        SafetensorsWriter w = new SafetensorsWriter().addFloats("x", new int[] {2}, new float[2], 0);
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("x", new int[] {1}, new float[1], 0));
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("y", new int[] {3}, new float[2], 0));
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("y", new int[] {2}, new float[2], 1));
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("y", new int[] {1}, new float[1], 0, DType.I32));
        assertThrows(IllegalArgumentException.class, () -> new SafetensorsWriter(DType.F64));
        assertEquals(1, w.size());
    }
}
