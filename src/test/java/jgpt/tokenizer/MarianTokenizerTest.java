package jgpt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jgpt.ExternalPython;
import jgpt.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MarianTokenizer on the synthetic opus-mt folder (source.spm = es-unigram-4k, target.spm = en-bpe-2k, vocab.json of
 * both) against src/test/python/marian_tokenizer_reference.py: python3-sentencepiece plus Hugging Face's
 * MarianTokenizer logic restated (transformers is not installed). The committed expectations run everywhere; they are
 * recomputed when python3-sentencepiece is present (required under CI=true).
 */
class MarianTokenizerTest {
    static final Path FOLDER = Path.of("src/test/resources/marian-synthetic");
    @TempDir Path tmp;

    @Test
    void committedCasesMatch() throws IOException {
        check(Path.of("src/test/resources/marian-tokenizer-cases.jsonl"));
    }

    @Test
    void freshCasesFromPythonMatch() throws IOException {
        ExternalPython.require("sentencepiece");
        Path out = tmp.resolve("cases.jsonl");
        ExternalPython.run("src/test/python/marian_tokenizer_reference.py", FOLDER.toString(),
                "../shared/data/bible-parallel/es-en.test.tsv", out.toString());
        check(out);
    }

    private static void check(Path cases) throws IOException {
        MarianTokenizer tok = MarianTokenizer.load(FOLDER);
        ObjectMapper json = new ObjectMapper();
        int n = 0;
        for (String line : Files.readAllLines(cases)) {
            JsonNode c = json.readTree(line);
            int[] ids = ints(c.get("ids"));
            if (c.get("kind").asText().equals("encode")) {
                String text = c.get("text").asText();
                List<String> tokens = new ArrayList<>();
                c.get("tokens").forEach(t -> tokens.add(t.asText()));
                assertEquals(tokens, tok.tokenize(text), "tokens of " + text);
                assertArrayEquals(ids, tok.encode(text), "ids of " + text);
            } else {
                boolean skip = c.get("skip_special_tokens").asBoolean();
                assertEquals(c.get("text").asText(), tok.decode(ids, skip), "decode " + c.get("ids") + " skip=" + skip);
            }
            n++;
        }
        assertTrue(n > 100, "only " + n + " cases");
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    @Test
    void specialIdsAndSeparateTargetVocabulary() throws IOException {
        MarianTokenizer shared = MarianTokenizer.load(FOLDER);
        assertEquals(0, shared.eosId());
        assertEquals(1, shared.unkId());
        assertEquals(shared.vocabSize() - 1, shared.padId());
        assertTrue(!shared.separateVocabs());
        // a folder with its own target vocabulary: ids decode through target_vocab.json
        Path dir = tmp.resolve("separate");
        Files.createDirectories(dir);
        for (String f : new String[] {"source.spm", "target.spm", "vocab.json"}) Files.copy(FOLDER.resolve(f), dir.resolve(f));
        Files.writeString(dir.resolve("target_vocab.json"), "{\"</s>\": 0, \"<unk>\": 1, \"\u2581Hello\": 2, \"\u2581world\": 3, \"<pad>\": 4}");
        MarianTokenizer separate = MarianTokenizer.load(dir);
        assertTrue(separate.separateVocabs());
        assertEquals(5, separate.targetVocabSize());
        assertEquals("Hello world", separate.decode(new int[] {2, 3, 0}));
        assertArrayEquals(shared.encode("Dios es amor"), separate.encode("Dios es amor"), "the source side is unchanged");
    }

    @Test
    void missingFilesAreUserErrors() throws IOException {
        Path dir = tmp.resolve("incomplete");
        Files.createDirectories(dir);
        Files.copy(FOLDER.resolve("vocab.json"), dir.resolve("vocab.json"));
        UserException e = assertThrows(UserException.class, () -> MarianTokenizer.load(dir));
        assertTrue(e.getMessage().contains("source.spm"), e.getMessage());
    }
}
