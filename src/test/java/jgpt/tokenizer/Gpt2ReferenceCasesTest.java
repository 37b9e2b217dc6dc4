package jgpt.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every case of every reference/gpt2-tokenizer/*.jsonl file: exact ids and exact round trip. */
class Gpt2ReferenceCasesTest {
    static final Path DIR = Path.of("/work/shared/reference/gpt2-tokenizer");

    @TestFactory
    List<DynamicTest> referenceCases() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no reference files in " + DIR);
        ByteLevelBpe bpe = ByteLevelBpe.gpt2();
        for (Path file : files) {
            int lineNo = 0;
            for (String line : Files.readAllLines(file)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = json.readTree(line);
                String text = node.get("text").asText();
                int[] expected = new int[node.get("ids").size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = node.get("ids").get(i).intValue();
                }
                tests.add(DynamicTest.dynamicTest(file.getFileName() + ":" + lineNo, () -> {
                    assertArrayEquals(expected, bpe.encode(text), text);
                    assertEquals(text, bpe.decode(expected));
                    assertArrayEquals(expected, bpe.encodeWithSpecial(text, true));
                }));
            }
        }
        return tests;
    }
}
