package jgpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gpt bleu}: files in, sacreBLEU's numbers out; mismatched files are a one-line error. */
class BleuCliTest {
    @TempDir Path tmp;

    @Test
    void jsonMatchesSacreBleuOnTwoLines() throws Exception {
        // sacreBLEU 2.6.0: corpus_bleu(["the cat the dog", "a b c"], [["the dog the cat", "a c b"]]) = 35.93041119630842,
        // corpus_chrf = 65.81474081474082 (the "no-4gram-match-exp-smoothing" case of sacrebleu-cases.jsonl)
        Path hyp = Files.writeString(tmp.resolve("hyp.txt"), "the cat the dog\na b c\n");
        Path ref = Files.writeString(tmp.resolve("ref.txt"), "the dog the cat\na c b");
        Object[] r = CliErrorTest.run("bleu", "--hyp", hyp.toString(), "--ref", ref.toString(), "--json");
        assertEquals(0, r[0], (String) r[2]);
        JsonNode out = new ObjectMapper().readTree((String) r[1]);
        assertEquals(35.93041119630842, out.get("bleu").asDouble(), 1e-9);
        assertEquals(65.81474081474082, out.get("chrf").asDouble(), 1e-9);
        assertEquals(7, out.get("sys_len").asInt());
        assertEquals(7, out.get("ref_len").asInt());
    }

    @Test
    void differentLineCountsAreAUserError() throws Exception {
        Path hyp = Files.writeString(tmp.resolve("hyp.txt"), "one\ntwo\n");
        Path ref = Files.writeString(tmp.resolve("ref.txt"), "one\n");
        Object[] r = CliErrorTest.run("bleu", "--hyp", hyp.toString(), "--ref", ref.toString());
        assertEquals(2, r[0]);
        String err = ((String) r[2]).strip();
        assertTrue(err.startsWith("error: ") && !err.contains("\n") && err.contains("2 lines"), err);
    }
}
