package jgpt.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * BLEU and chrF against scores computed by sacreBLEU 2.6.0 itself (src/test/python/make_sacrebleu_cases.py wrote
 * the case file): tokenization corners, smoothing, brevity penalty, empty lines, and 400 real verse pairs.
 */
class SacreBleuCasesTest {
    private static final Path SHARED_DATA = Path.of("../shared/data");

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesSacreBleu() throws IOException {
        List<JsonNode> cases = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = SacreBleuCasesTest.class.getResourceAsStream("/metrics/sacrebleu-cases.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) cases.add(json.readTree(line));
            }
        }
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    }

    private static void check(JsonNode c) throws IOException {
        List<String> hyps = new ArrayList<>(), refs = new ArrayList<>();
        if (c.has("source")) {
            readColumns(c.get("source"), hyps, refs);
        } else {
            c.get("hypotheses").forEach(n -> hyps.add(n.asText()));
            c.get("references").forEach(n -> refs.add(n.asText()));
        }
        Bleu.Score bleu = Bleu.corpus(hyps, refs);
        assertEquals(c.get("sys_len").asLong(), bleu.sysLen(), "sys_len");
        assertEquals(c.get("ref_len").asLong(), bleu.refLen(), "ref_len");
        assertArrayEquals(longs(c.get("counts")), bleu.correct(), "matching n-grams per order");
        assertArrayEquals(longs(c.get("totals")), bleu.total(), "hypothesis n-grams per order");
        assertEquals(c.get("bp").asDouble(), bleu.brevityPenalty(), 1e-12, "brevity penalty");
        assertEquals(c.get("bleu").asDouble(), bleu.score(), 1e-9, "BLEU");
        assertEquals(c.get("chrf").asDouble(), ChrF.corpus(hyps, refs).score(), 1e-9, "chrF");
    }

    private static void readColumns(JsonNode source, List<String> hyps, List<String> refs) throws IOException {
        Path file = SHARED_DATA.resolve(source.get("file").asText());
        int lines = source.get("lines").asInt(), hypColumn = source.get("hyp_column").asInt() - 1,
                refColumn = source.get("ref_column").asInt() - 1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            for (int i = 0; i < lines; i++) {
                String[] fields = r.readLine().split("\t");
                hyps.add(fields[hypColumn]);
                refs.add(fields[refColumn]);
            }
        }
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asLong();
        return out;
    }
}
