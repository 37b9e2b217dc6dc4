package jgpt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jgpt.ExternalPython;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-check against python3-sentencepiece run here (src/test/python/spm_crosscheck.py): 300 verses of each side of
 * the bible-parallel test split through the two reference models, and models trained on the spot with the options
 * the reference models do not use (byte_fallback, user-defined and control symbols, identity, a rule TSV, nfkc_cf,
 * kept spaces, no dummy prefix, whitespace as suffix). One test per model; ids, pieces and decoding must match.
 */
class SentencePieceCrossCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path tmp;

    @TestFactory
    Stream<DynamicTest> everyModelMatchesThePythonLibrary() throws IOException {
        ExternalPython.require("sentencepiece");
        ExternalPython.run("src/test/python/spm_crosscheck.py", tmp.toString(), "../shared/reference/sentencepiece",
                "../shared/data/bible-parallel", "300");
        Map<String, List<JsonNode>> byModel = new LinkedHashMap<>();
        for (String line : Files.readAllLines(tmp.resolve("crosscheck.jsonl"))) {
            JsonNode c = JSON.readTree(line);
            byModel.computeIfAbsent(c.get("model").asText(), k -> new ArrayList<>()).add(c);
        }
        assertTrue(byModel.size() >= 8, "expected the 2 reference and 6 trained models, got " + byModel.keySet());
        return byModel.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey() + " (" + e.getValue().size() + " texts)",
                () -> check(SentencePieceTokenizer.load(tmp.resolve(e.getKey())), e.getValue())));
    }

    private static void check(SentencePieceTokenizer sp, List<JsonNode> cases) {
        List<String> failures = new ArrayList<>();
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] ids = new int[c.get("ids").size()];
            for (int i = 0; i < ids.length; i++) ids[i] = c.get("ids").get(i).asInt();
            List<String> pieces = new ArrayList<>();
            c.get("pieces").forEach(p -> pieces.add(p.asText()));
            int[] ours = sp.encode(text);
            if (!Arrays.equals(ids, ours)) failures.add("ids of " + quote(text) + ": " + Arrays.toString(ours) + " != " + Arrays.toString(ids));
            else if (!pieces.equals(sp.encodeAsPieces(text))) failures.add("pieces of " + quote(text) + ": " + sp.encodeAsPieces(text) + " != " + pieces);
            else if (!c.get("decoded").asText().equals(sp.decode(ids))) {
                failures.add("decode of " + quote(text) + ": " + quote(sp.decode(ids)) + " != " + quote(c.get("decoded").asText()));
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " texts differ, e.g.:\n"
                + String.join("\n", failures.subList(0, Math.min(5, failures.size()))));
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s.length() > 80 ? s.substring(0, 80) + "…" : s);
        } catch (IOException e) {
            return s;
        }
    }
}
