package jgpt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jgpt.ExternalTools;
import jgpt.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the shared reference models and rewrites one byte-identically. */
class SafetensorsReferenceTest {
    static final Path REF = Path.of("/work/shared/reference");
    static final Path TINY = REF.resolve("gpt2-tiny/model.safetensors");
    static final Path TINY_EXPECTED = REF.resolve("gpt2-tiny/expected.safetensors");
    static final Path SMALL = REF.resolve("gpt2-small-shape/model.safetensors");

    @TempDir
    Path tmp;

    @Test
    void readsTinyF32Model() {
        ExternalTools.requireFile(TINY, "the shared reference data");
        try (SafetensorsFile f = SafetensorsFile.open(TINY)) {
            assertEquals(28, f.names().size());
            assertArrayEquals(new int[] {101, 48}, f.shape("wte.weight"));
            assertArrayEquals(new int[] {32, 48}, f.shape("wpe.weight"));
            assertArrayEquals(new int[] {48, 144}, f.shape("h.1.attn.c_attn.weight"));
            assertArrayEquals(new int[] {192, 48}, f.shape("h.0.mlp.c_proj.weight"));
            assertEquals(DType.F32, f.dtype("wte.weight"));
            assertEquals("pt", f.metadata().get("format"));
            List<String> names = List.copyOf(f.names());
            List<String> sorted = names.stream().sorted().toList();
            assertEquals(sorted, names, "header order is sorted");
            float[] w = f.readFloats("ln_f.weight");
            assertEquals(48, w.length);
            for (float x : w) {
                assertTrue(x > 0.5f && x < 1.5f, "LayerNorm weight ~ 1 + N(0, 0.1): " + x);
            }
            float[] dst = new float[10 + 48];
            f.readFloats("ln_f.weight", dst, 10);
            assertArrayEquals(w, java.util.Arrays.copyOfRange(dst, 10, 58));
            // data is contiguous in sorted order
            long end = 0;
            for (TensorInfo t : f.tensors()) {
                assertEquals(end, t.begin(), t.name());
                end = t.end();
            }
            assertEquals(f.dataSize(), end);
        }
    }

    @Test
    void readsTinyExpectedIntsAndFloats() {
        ExternalTools.requireFile(TINY_EXPECTED, "the shared reference data");
        try (SafetensorsFile f = SafetensorsFile.open(TINY_EXPECTED)) {
            assertEquals(65, f.names().size());
            assertEquals(DType.I32, f.dtype("tokens"));
            int[] tokens = f.readInts("tokens");
            assertEquals(32, tokens.length);
            int[] targets = f.readInts("targets");
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 15; t++) {
                    assertEquals(tokens[b * 16 + t + 1], targets[b * 16 + t], "targets are next tokens");
                }
            }
            assertEquals(4.6268206f, f.readFloats("loss")[0], 1e-6f);
            assertEquals(f.readFloats("loss")[0], f.readFloats("train_losses")[0]);
            UserException e = assertThrows(UserException.class, () -> f.readFloats("tokens"));
            assertTrue(e.getMessage().contains("tokens") && e.getMessage().contains("I32"), e.getMessage());
            e = assertThrows(UserException.class, () -> f.readInts("loss"));
            assertTrue(e.getMessage().contains("loss"), e.getMessage());
        }
    }

    @Test
    void readsSmallShapeF16ModelWithSubnormals() {
        ExternalTools.requireFile(SMALL, "the shared reference data");
        try (SafetensorsFile f = SafetensorsFile.open(SMALL)) {
            assertEquals(16, f.names().size());
            assertArrayEquals(new int[] {50257, 64}, f.shape("wte.weight"));
            assertEquals(DType.F16, f.dtype("wte.weight"));
            int subnormal = 0;
            int zeros = 0;
            int wteSubnormal = 0;
            for (String name : f.names()) {
                float[] x = f.readFloats(name);
                for (float v : x) {
                    assertTrue(Float.isFinite(v));
                    if (v == 0) {
                        zeros++;
                    } else if (Math.abs(v) < 0x1p-14f) {
                        subnormal++;
                        if (name.equals("wte.weight")) {
                            wteSubnormal++;
                        }
                    }
                }
            }
            assertEquals(8170, subnormal);
            assertEquals(7879, wteSubnormal);
            assertEquals(2, zeros);
        }
    }

    @Test
    void rewritingTinyModelAsF32IsByteIdentical() throws IOException {
        ExternalTools.requireFile(TINY, "the shared reference data");
        Path out = tmp.resolve("model.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(TINY)) {
            SafetensorsWriter w = new SafetensorsWriter(DType.F32).metadata(f.metadata());
            // add in reverse order: the writer must sort
            List<String> names = new java.util.ArrayList<>(f.names());
            java.util.Collections.reverse(names);
            for (String name : names) {
                w.addFloats(name, f.shape(name), f.readFloats(name), 0);
            }
            w.write(out);
        }
        assertArrayEquals(Files.readAllBytes(TINY), Files.readAllBytes(out));
    }

    @Test
    void rewritingSmallShapeModelAsF16IsByteIdentical() throws IOException {
        ExternalTools.requireFile(SMALL, "the shared reference data");
        Path out = tmp.resolve("small.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(SMALL)) {
            SafetensorsWriter w = new SafetensorsWriter(DType.F16).metadata(f.metadata());
            for (String name : f.names()) {
                w.addFloats(name, f.shape(name), f.readFloats(name), 0);
            }
            w.write(out);
        }
        assertArrayEquals(Files.readAllBytes(SMALL), Files.readAllBytes(out));
    }

    @Test
    void rewritingExpectedWithIntsIsByteIdentical() throws IOException {
        ExternalTools.requireFile(TINY_EXPECTED, "the shared reference data");
        Path out = tmp.resolve("expected.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(TINY_EXPECTED)) {
            SafetensorsWriter w = new SafetensorsWriter().metadata(f.metadata());
            for (String name : f.names()) {
                if (f.dtype(name) == DType.I32) {
                    w.addInts(name, f.shape(name), f.readInts(name), 0);
                } else {
                    w.addFloats(name, f.shape(name), f.readFloats(name), 0);
                }
            }
            w.write(out);
        }
        assertArrayEquals(Files.readAllBytes(TINY_EXPECTED), Files.readAllBytes(out));
    }
}
