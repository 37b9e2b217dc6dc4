package jgpt.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import jgpt.ExternalTools;
import jgpt.cli.Main;
import jgpt.nn.Parameters;
import jgpt.tokenizer.MarianTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An opus-mt-layout folder (src/test/resources/marian-synthetic) translated by {@code gpt translate}: the weights read
 * from model.safetensors and from pytorch_model.bin are identical, and greedy and beam-4 decoding (the folder's
 * generation_config.json: max_length 64, pad banned, forced eos) give exactly the token ids of an independent float64
 * PyTorch implementation of HF MarianMTModel + generate() (src/test/python/marian_generate_reference.py), committed in
 * src/test/resources/marian-generate/expected.json and recomputed here when torch is available.
 */
class OpusMtFolderTest {
    static final Path FOLDER = Path.of("src/test/resources/marian-synthetic");
    static final Path EXPECTED = Path.of("src/test/resources/marian-generate/expected.json");
    static final Path SCRIPT = Path.of("src/test/python/marian_generate_reference.py");
    static final List<String> SENTENCES = List.of("¿Dónde está la biblioteca?", "Hola, mundo.", "El gato duerme en la casa.");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path tmp;
    static Path binOnly;
    static MarianModel fromSafetensors, fromBin;
    static MarianTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        binOnly = copyFolder("bin-only");
        Files.delete(binOnly.resolve(MarianCheckpoint.WEIGHTS));
        fromSafetensors = MarianCheckpoint.load(FOLDER, false);
        fromBin = MarianCheckpoint.load(binOnly, false);
        tokenizer = MarianTokenizer.load(FOLDER);
    }

    @Test
    void safetensorsAndBinGiveIdenticalWeights() {
        List<Parameters.Entry> a = fromSafetensors.parameters().entries(), b = fromBin.parameters().entries();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).name(), b.get(i).name());
            assertArrayEquals(a.get(i).tensor().toArray(), b.get(i).tensor().toArray(), a.get(i).name());
        }
        assertArrayEquals(fromSafetensors.logitsBias.toArray(), fromBin.logitsBias.toArray(), "final_logits_bias");
    }

    @Test
    void bothLoadsDecodeToTheFloat64ReferenceTokens() throws IOException {
        JsonNode expected = JSON.readTree(EXPECTED.toFile());
        assertEquals(SENTENCES.size(), expected.size());
        DecodingSettings beam = DecodingSettings.of(FOLDER, fromSafetensors.config());
        assertEquals(4, beam.beams(), "generation_config.json num_beams");
        assertEquals(64, beam.maxLength(), "generation_config.json max_length");
        for (JsonNode c : expected) {
            int[] src = ints(c.get("source_ids"));
            assertArrayEquals(src, tokenizer.encode(c.get("text").asText()), "MarianTokenizer ids of " + c.get("text"));
            for (MarianModel m : List.of(fromSafetensors, fromBin)) {
                assertArrayEquals(ints(c.get("greedy")), BeamSearch.translate(m, new int[][] {src}, beam.withBeams(1)).get(0), "greedy " + c.get("text"));
                assertArrayEquals(ints(c.get("beam")), BeamSearch.translate(m, new int[][] {src}, beam).get(0), "beam 4 " + c.get("text"));
            }
        }
    }

    @Test
    void cliPrintsTheReferenceTranslationFromEitherWeightsFile() throws IOException {
        JsonNode expected = JSON.readTree(EXPECTED.toFile());
        Path input = tmp.resolve("input.txt");
        Files.writeString(input, String.join("\n", SENTENCES) + "\n", StandardCharsets.UTF_8);
        StringBuilder beam = new StringBuilder(), greedy = new StringBuilder();
        for (JsonNode c : expected) {
            beam.append(tokenizer.decode(ints(c.get("beam")))).append('\n');
            greedy.append(tokenizer.decode(ints(c.get("greedy")))).append('\n');
        }
        for (Path dir : List.of(FOLDER, binOnly)) {
            Object[] r = run("translate", "--model", dir.toString(), "--file", input.toString());
            assertEquals(0, r[0], (String) r[2]);
            assertEquals(beam.toString(), r[1], "beam 4 (generation_config.json) from " + dir);
            assertTrue(((String) r[2]).contains("beam 4"), (String) r[2]);
            r = run("translate", "--model", dir.toString(), "--file", input.toString(), "--beam", "1");
            assertEquals(greedy.toString(), r[1], "greedy from " + dir);
        }
    }

    @Test
    void float64PyTorchReferenceAgreesWithTheCommittedTokens() throws IOException {
        ExternalTools.requireTorch();
        ArrayNode sources = JSON.createArrayNode();
        for (String s : SENTENCES) {
            ArrayNode ids = sources.addObject().put("text", s).putArray("source_ids");
            for (int id : tokenizer.encode(s)) ids.add(id);
        }
        Path in = tmp.resolve("sources.json"), out = tmp.resolve("reference.json");
        JSON.writeValue(in.toFile(), sources);
        ExternalTools.runPython(SCRIPT.toString(), FOLDER.toString(), in.toString(), out.toString());
        JsonNode fresh = JSON.readTree(out.toFile()), committed = JSON.readTree(EXPECTED.toFile());
        for (int i = 0; i < SENTENCES.size(); i++) {
            for (String key : List.of("source_ids", "greedy", "beam")) {
                assertEquals(committed.get(i).get(key), fresh.get(i).get(key), key + " of " + SENTENCES.get(i));
            }
        }
    }

    @Test
    void badFoldersAreOneErrorLine() throws IOException {
        Path noSpm = copyFolder("no-source-spm");
        Files.delete(noSpm.resolve("source.spm"));
        expectError("source.spm", noSpm);
        Path noVocab = copyFolder("no-vocab");
        Files.delete(noVocab.resolve("vocab.json"));
        expectError("vocab.json", noVocab);
        Path bigVocab = copyFolder("big-vocab");
        String vocab = Files.readString(bigVocab.resolve("vocab.json"), StandardCharsets.UTF_8);
        Files.writeString(bigVocab.resolve("vocab.json"), vocab.replaceFirst("\\{", "{\"extra\": 5723, "), StandardCharsets.UTF_8);
        expectError("5724 ids but the model's embedding has 5723 rows", bigVocab);
        Path noWeights = copyFolder("no-weights");
        Files.delete(noWeights.resolve("model.safetensors"));
        Files.delete(noWeights.resolve("pytorch_model.bin"));
        expectError("no model.safetensors or pytorch_model.bin", noWeights);
    }

    private static void expectError(String fragment, Path dir) {
        Object[] r = run("translate", "--model", dir.toString(), "--text", "Hola");
        String err = (String) r[2];
        assertEquals(2, r[0], err);
        assertTrue(err.startsWith("error: ") && err.contains(fragment) && err.lines().count() == 1, err);
    }

    private static Path copyFolder(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(FOLDER)) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        return dir;
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    private static Object[] run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Object[] {code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
