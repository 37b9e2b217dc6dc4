package jgpt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of every {@code *.jsonl} file in the SentencePiece reference folders ({@code ../shared/reference/sentencepiece}
 * and {@code $GPT_REFERENCE_DIR/sentencepiece}), made by the reference library: ids, pieces and decoding must match
 * exactly. One test per case, named by file, line and text.
 */
class SentencePieceReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<Path, SentencePieceTokenizer> models = new ConcurrentHashMap<>();

    static List<Path> referenceDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(Path.of("../shared/reference/sentencepiece").toAbsolutePath().normalize());
        String env = System.getenv("GPT_REFERENCE_DIR");
        if (env != null && !env.isBlank()) dirs.add(Path.of(env, "sentencepiece").toAbsolutePath().normalize());
        return dirs.stream().filter(Files::isDirectory).toList();
    }

    @TestFactory
    Stream<DynamicNode> everyCase() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : referenceDirs()) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().forEach(files::add);
            }
        }
        assertFalse(files.isEmpty(), "no SentencePiece case files (*.jsonl) under " + referenceDirs()
                + "; expected ../shared/reference/sentencepiece/cases.jsonl");
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            List<DynamicTest> tests = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                JsonNode c = JSON.readTree(lines.get(i));
                String text = c.get("text").asText();
                String name = "line " + (i + 1) + " " + c.get("model").asText() + " " + JSON.writeValueAsString(abbreviate(text));
                tests.add(DynamicTest.dynamicTest(name, () -> check(file.getParent(), c)));
            }
            nodes.add(DynamicContainer.dynamicContainer(file.getFileName().toString(), tests));
        }
        return nodes.stream();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    private void check(Path dir, JsonNode c) {
        Path modelFile = dir.resolve(c.get("model").asText());
        if (!Files.isRegularFile(modelFile)) fail("case names model " + modelFile + ", which does not exist");
        SentencePieceTokenizer sp = models.computeIfAbsent(modelFile, SentencePieceTokenizer::load);
        String text = c.get("text").asText();
        int[] expectedIds = new int[c.get("ids").size()];
        for (int i = 0; i < expectedIds.length; i++) expectedIds[i] = c.get("ids").get(i).asInt();
        List<String> expectedPieces = new ArrayList<>();
        c.get("pieces").forEach(p -> expectedPieces.add(p.asText()));
        assertArrayEquals(expectedIds, sp.encode(text), "ids");
        assertEquals(expectedPieces, sp.encodeAsPieces(text), "pieces");
        if (c.has("decoded")) assertEquals(c.get("decoded").asText(), sp.decode(expectedIds), "decode(ids)");
    }
}
