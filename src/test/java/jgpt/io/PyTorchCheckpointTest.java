package jgpt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import jgpt.ExternalPython;
import jgpt.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads checkpoints written by torch.save (src/test/python/torch_checkpoint_fixture.py: F16, BF16, F64, I64,
 * transposed and sliced views, shared and stride-0 storages, a 0-d scalar, an empty tensor, a Parameter, an
 * OrderedDict with _metadata) and compares every value with what PyTorch itself printed. The committed fixture runs
 * everywhere; a fresh one is written when torch is installed (required under CI=true). Hostile pickles are refused.
 */
class PyTorchCheckpointTest {
    static final Path FIXTURE = Path.of("src/test/resources/pytorch");
    @TempDir Path tmp;

    @Test
    void committedFixtureMatchesPyTorch() throws IOException {
        check(FIXTURE.resolve("fixture.bin"), FIXTURE.resolve("fixture.expected.json"));
    }

    @Test
    void freshCheckpointFromTorchMatches() throws IOException {
        ExternalPython.require("torch");
        ExternalPython.run("src/test/python/torch_checkpoint_fixture.py", tmp.toString());
        check(tmp.resolve("fixture.bin"), tmp.resolve("fixture.expected.json"));
    }

    private static void check(Path bin, Path expectedJson) throws IOException {
        JsonNode expected = new ObjectMapper().readTree(expectedJson.toFile());
        try (PyTorchCheckpoint ckpt = PyTorchCheckpoint.open(bin)) {
            List<String> names = new ArrayList<>();
            expected.fieldNames().forEachRemaining(names::add);
            assertEquals(names, new ArrayList<>(ckpt.names()), "tensor names in state-dict order");
            for (Map.Entry<String, JsonNode> e : expected.properties()) {
                String name = e.getKey();
                JsonNode t = e.getValue();
                assertEquals(t.get("dtype").asText(), ckpt.dtype(name).name(), name);
                int[] shape = new int[t.get("shape").size()];
                for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asInt();
                assertArrayEquals(shape, ckpt.shape(name), name);
                JsonNode values = t.get("values");
                if (ckpt.dtype(name).isFloatingPoint()) {
                    float[] ours = ckpt.readFloats(name);
                    assertEquals(values.size(), ours.length, name);
                    for (int i = 0; i < ours.length; i++) assertEquals((float) values.get(i).asDouble(), ours[i], 0f, name + "[" + i + "]");
                } else {
                    int[] ours = ckpt.readInts(name);
                    assertEquals(values.size(), ours.length, name);
                    for (int i = 0; i < ours.length; i++) assertEquals(values.get(i).asInt(), ours[i], name + "[" + i + "]");
                }
            }
        }
    }

    private Path zipWithPickle(byte[] pickle) throws IOException {
        Path f = tmp.resolve("evil.bin");
        try (OutputStream os = Files.newOutputStream(f); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("evil/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("evil/version"));
            zip.write("3\n".getBytes());
            zip.closeEntry();
        }
        return f;
    }

    private String refused(byte[] pickle) throws IOException {
        Path f = zipWithPickle(pickle);
        UserException e = assertThrows(UserException.class, () -> PyTorchCheckpoint.open(f));
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void osSystemIsRefusedNotRun() throws IOException {
        Path marker = tmp.resolve("pwned");
        // protocol 2: GLOBAL os.system, the string "touch <marker>", TUPLE1, REDUCE, STOP
        String cmd = "touch " + marker;
        byte[] head = "\u0080\u0002cos\nsystem\nX".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] len = {(byte) cmd.length(), 0, 0, 0};
        byte[] tail = {(byte) 0x85, 'R', '.'};
        String msg = refused(concat(head, len, cmd.getBytes(), tail));
        assertTrue(msg.contains("os.system") && msg.contains("not allowed"), msg);
        assertTrue(!Files.exists(marker), "the command must never run");
    }

    @Test
    void stackGlobalOfBuiltinsEvalIsRefused() throws IOException {
        // protocol 4: SHORT_BINUNICODE "builtins", SHORT_BINUNICODE "eval", STACK_GLOBAL
        byte[] p = concat(new byte[] {(byte) 0x80, 4, (byte) 0x8C, 8}, "builtins".getBytes(), new byte[] {(byte) 0x8C, 4},
                "eval".getBytes(), new byte[] {(byte) 0x93, '.'});
        assertTrue(refused(p).contains("builtins.eval"));
    }

    @Test
    void unknownOpcodeIsNamed() throws IOException {
        // 'i' (INST) builds arbitrary objects; state dicts never use it
        assertTrue(refused(new byte[] {(byte) 0x80, 2, 'i', 'o', 's', '\n'}).contains("opcode 0x69 ('i')"));
    }

    @Test
    void truncatedPickleAndLegacyFormat() throws IOException {
        assertTrue(refused(new byte[] {(byte) 0x80, 2, '}', 'X', 9}).contains("truncated"));
        Path legacy = tmp.resolve("legacy.bin");
        Files.write(legacy, new byte[] {(byte) 0x80, 2, (byte) 0x8A, 10, 0x6C, (byte) 0xFC, (byte) 0x9C, 0x46});
        UserException e = assertThrows(UserException.class, () -> PyTorchCheckpoint.open(legacy));
        assertTrue(e.getMessage().contains("not a zip-format PyTorch checkpoint"), e.getMessage());
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] r = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, at, p.length);
            at += p.length;
        }
        return r;
    }
}
