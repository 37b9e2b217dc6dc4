package jgpt.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jgpt.UserException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hugging Face files: save -> load gives identical ids; corrupt or missing files are user errors. */
class HfBpeFilesTest {
    @TempDir
    static Path gpt2Dir;

    @BeforeAll
    static void saveGpt2() throws IOException {
        ByteLevelBpe.gpt2().save(gpt2Dir);
    }

    private static void assertSameIds(Tokenizer expected, Tokenizer actual) throws IOException {
        Random rnd = new Random(11);
        for (int i = 0; i < 1500; i++) {
            String s = RandomText.next(rnd, 20, false);
            assertArrayEquals(expected.encode(s), actual.encode(s), s);
        }
        String shakespeare = Files.readString(Path.of("/work/shared/data/tinyshakespeare.txt")).substring(0, 50_000);
        assertArrayEquals(expected.encode(shakespeare), actual.encode(shakespeare));
        assertEquals(expected.vocabSize(), actual.vocabSize());
        assertEquals(expected.endOfTextId(), actual.endOfTextId());
    }

    @Test
    void gpt2FilesLookLikeHuggingFace() throws IOException {
        List<String> merges = Files.readAllLines(gpt2Dir.resolve("merges.txt"));
        assertEquals("#version: 0.2", merges.get(0));
        assertEquals(50_001, merges.size());
        assertEquals("\u0120 t", merges.get(1));
        var vocab = new ObjectMapper().readTree(gpt2Dir.resolve("vocab.json").toFile());
        assertEquals(50_257, vocab.size());
        assertEquals(50_256, vocab.get("<|endoftext|>").intValue());
        assertEquals(15496, vocab.get("Hello").intValue());
        assertEquals(995, vocab.get("\u0120world").intValue());
        for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            assertTrue(Files.exists(gpt2Dir.resolve(f)), f);
        }
    }

    @Test
    void vocabMergesRoundTrip() throws IOException {
        ByteLevelBpe loaded = HfBpeFiles.loadVocabMerges(gpt2Dir.resolve("vocab.json"), gpt2Dir.resolve("merges.txt"));
        assertSameIds(ByteLevelBpe.gpt2(), loaded);
        assertArrayEquals(new int[] {15496, 50256}, loaded.encodeWithSpecial("Hello<|endoftext|>", true));
    }

    @Test
    void tokenizerJsonRoundTrip() throws IOException {
        Tokenizer loaded = Tokenizers.load(gpt2Dir);
        assertSameIds(ByteLevelBpe.gpt2(), loaded);
    }

    @Test
    void tokenizerJsonWithPairMerges(@TempDir Path dir) throws IOException {
        ByteLevelBpe small = BpeTrainer.train("hello hello world, the wonderful world of words", 300, true);
        small.save(dir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(dir.resolve("tokenizer.json").toFile());
        ArrayNode pairs = json.createArrayNode();
        for (var m : root.path("model").path("merges")) {
            String[] p = m.asText().split(" ");
            pairs.addArray().add(p[0]).add(p[1]);
        }
        ((ObjectNode) root.get("model")).set("merges", pairs);
        json.writeValue(dir.resolve("tokenizer.json").toFile(), root);
        Tokenizer loaded = Tokenizers.load(dir);
        assertSameIds(small, loaded);
    }

    @Test
    void vocabWithGapSurvivesSaveAndLoad(@TempDir Path dir) throws IOException {
        ObjectNode vocab = new ObjectMapper().createObjectNode();
        for (int b = 0; b < 256; b++) {
            vocab.put(ByteUnicode.encode(new byte[] {(byte) b}), b);
        }
        vocab.put("<|endoftext|>", 300);
        Files.writeString(dir.resolve("vocab.json"), vocab.toString());
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        Tokenizer t = Tokenizers.load(dir);
        assertEquals(301, t.vocabSize());
        assertEquals(300, t.endOfTextId());
        assertEquals("\uFFFD", t.decode(280));
        Path again = dir.resolve("again");
        t.save(again);
        Tokenizer u = Tokenizers.load(again);
        assertEquals(301, u.vocabSize());
        assertArrayEquals(t.encode("hi \u00E9"), u.encode("hi \u00E9"));
    }

    // ------------------------------------------------------------------ corrupt and missing files

    private static Path smallDir(Path dir) throws IOException {
        BpeTrainer.train("aaa bbb aaa ccc aab abc", 262, true).save(dir);
        Files.delete(dir.resolve("tokenizer.json"));
        return dir;
    }

    private static void assertUserError(Path dir, String... mentions) {
        UserException e = assertThrows(UserException.class, () -> Tokenizers.load(dir));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), e.getMessage());
        }
    }

    @Test
    void badVocabJson(@TempDir Path dir) throws IOException {
        Files.writeString(smallDir(dir).resolve("vocab.json"), "{\"a\": 0, ");
        assertUserError(dir, "vocab.json", "not valid JSON");
        Files.writeString(dir.resolve("vocab.json"), "[1, 2]");
        assertUserError(dir, "vocab.json");
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": \"x\"}");
        assertUserError(dir, "vocab.json");
    }

    @Test
    void mergesLineWithOneToken(@TempDir Path dir) throws IOException {
        Files.writeString(smallDir(dir).resolve("merges.txt"), "#version: 0.2\na a\nb\n");
        assertUserError(dir, "merges.txt", "line 3");
    }

    @Test
    void mergeWithUnknownToken(@TempDir Path dir) throws IOException {
        Files.writeString(smallDir(dir).resolve("merges.txt"), "#version: 0.2\na a\nzzz q\n");
        assertUserError(dir, "merges.txt", "zzz");
    }

    @Test
    void mergeWhoseResultIsMissing(@TempDir Path dir) throws IOException {
        Files.writeString(smallDir(dir).resolve("merges.txt"), "#version: 0.2\nx y\n");
        assertUserError(dir, "merge 1");
    }

    @Test
    void missingFiles(@TempDir Path dir) throws IOException {
        assertUserError(dir, "no tokenizer");
        assertUserError(dir.resolve("nope"), "not a folder");
        Files.delete(smallDir(dir).resolve("merges.txt"));
        assertUserError(dir, "merges.txt");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        Files.delete(dir.resolve("vocab.json"));
        assertUserError(dir, "vocab.json");
    }

    @Test
    void vocabWithoutAllBytes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": 1}");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        assertUserError(dir, "byte");
    }

    @Test
    void badTokenizerJson(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": ");
        assertUserError(dir, "tokenizer.json", "not valid JSON");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
        assertUserError(dir, "tokenizer.json", "WordPiece");
        Files.writeString(dir.resolve("tokenizer.json"), "{\"pre_tokenizer\": {\"type\": \"ByteLevel\"},"
                + " \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a\"]}}");
        assertUserError(dir, "tokenizer.json", "merges");
    }
}
