package jgpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import jgpt.io.DType;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tokenizer.CharTokenizer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** params, next, attention, lens and generate --json from the command line: JSON shapes, PNGs, and bad input. */
class InspectCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;
    Path model, bare;

    @BeforeEach
    void writeModels() throws IOException {
        model = tmp.resolve("model");
        bare = tmp.resolve("bare");
        Files.createDirectories(model);
        Files.createDirectories(bare);
        CharTokenizer tok = CharTokenizer.fromText("abcdefgh \n");
        Gpt gpt = Gpt.create(GptConfig.of(2, 2, 16, 12, tok.vocabSize(), 0f, true), 3);
        for (int i = 0; i < gpt.parameters().count(); i++) gpt.parameters().data()[i] *= 20f; // sharper attention
        ModelFolder.writeModel(model, gpt, DType.F32, -1);
        tok.save(model);
        ModelFolder.writeModel(bare, gpt, DType.F32, -1); // no tokenizer
    }

    private static JsonNode ok(String... args) throws IOException {
        Object[] r = CliErrorTest.run(args);
        assertEquals(0, r[0], "stderr: " + r[2]);
        return JSON.readTree((String) r[1]);
    }

    private void userError(String fragment, String... args) throws IOException {
        List<Path> before = Files.list(tmp).toList();
        Object[] r = CliErrorTest.run(args);
        String err = ((String) r[2]).strip();
        assertEquals(2, r[0], "exit code for " + String.join(" ", args) + "; stderr: " + err);
        assertEquals(1, err.split("\n").length, err);
        assertTrue(err.startsWith("error: ") && err.contains(fragment), "'" + fragment + "' not in: " + err);
        assertEquals("", r[1], "nothing on stdout");
        assertEquals(before, Files.list(tmp).toList(), "nothing written");
    }

    @Test
    void paramsJsonHasTheIssuesShape() throws IOException {
        JsonNode j = ok("params", "--preset", "gpt3", "--json");
        assertEquals(175_181_291_520L, j.get("category_total").asLong());
        assertEquals(27_938, j.get("matrices").asLong());
        assertEquals(8, j.get("categories").size());
        assertEquals(List.of(128L, 12288L), List.of(j.at("/categories/1/matrix_shape/0").asLong(), j.at("/categories/1/matrix_shape/1").asLong()));
        assertTrue(j.get("tied_unembedding").asBoolean());
        JsonNode m = ok("params", "--model", model.toString(), "--json");
        assertEquals(ModelFolder.loadModel(model).parameters().count(), m.get("total").asLong());
    }

    @Test
    void nextGivesProbabilitiesPerTemperature() throws IOException {
        JsonNode j = ok("next", "--model", model.toString(), "--prompt", "abc", "--top", "10", "--temperatures", "0,1", "--json");
        assertEquals(10, j.get("tokens").size());
        double sum = 0;
        for (JsonNode t : j.get("tokens")) sum += t.at("/probs/1.0").asDouble();
        assertEquals(1.0, sum, 1e-5, "all 10 tokens of the vocabulary");
        assertEquals(1.0, j.at("/tokens/0/probs/0.0").asDouble());
        assertEquals("a", j.at("/prompt/0/text").asText());
    }

    @Test
    void attentionWritesPngAndJson() throws IOException {
        Path png = tmp.resolve("att.png");
        JsonNode j = ok("attention", "--model", model.toString(), "--prompt", "abcab", "--layer", "1", "--out", png.toString(), "--json");
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() >= 200 && img.getHeight() >= 200, img.getWidth() + "x" + img.getHeight());
        assertEquals(1, j.get("layers").size());
        assertEquals(2, j.at("/layers/0/heads").size());
        for (JsonNode row : j.at("/layers/0/heads/1/weights")) {
            double s = 0;
            for (JsonNode w : row) s += w.asDouble();
            assertEquals(1.0, s, 1e-5);
        }
        Path all = tmp.resolve("all.png");
        ok("attention", "--model", bare.toString(), "--ids", "1,2,3", "--out", all.toString(), "--json");
        assertEquals(2, ImageIO.read(all.toFile()).getWidth() / 220, "one 220-pixel tile per head");
    }

    @Test
    void lensTableJsonAndPng() throws IOException {
        Path png = tmp.resolve("lens.png");
        JsonNode j = ok("lens", "--model", model.toString(), "--prompt", "abcd", "--top", "2", "--out", png.toString(), "--json");
        assertEquals(2, j.get("layers").size());
        assertEquals(4, j.at("/layers/1/positions").size());
        assertEquals(j.at("/predicted/3/id").asInt(), j.at("/layers/1/positions/3/top/0/id").asInt(), "the last layer is the prediction");
        assertTrue(ImageIO.read(png.toFile()).getWidth() >= 640);
    }

    @Test
    void generateJsonIsOneObjectPerToken() throws IOException {
        Object[] r = CliErrorTest.run("generate", "--model", model.toString(), "--prompt", "ab", "-n", "4", "--top-k", "3", "--json");
        assertEquals(0, r[0], (String) r[2]);
        String[] lines = ((String) r[1]).strip().split("\n");
        assertEquals(4, lines.length);
        for (String line : lines) {
            JsonNode t = JSON.readTree(line);
            assertTrue(t.get("candidates").asInt() <= 3);
            double s = 0;
            for (JsonNode a : t.get("alternatives")) s += a.get("probability").asDouble();
            assertEquals(1.0, s, 1e-5, "with top-k 3 and 5 alternatives, all candidates are listed: " + line);
            boolean listed = false;
            for (JsonNode a : t.get("alternatives")) listed |= a.get("id").asInt() == t.get("id").asInt();
            assertTrue(listed, line);
        }
    }

    @Test
    void badInputIsOneErrorLineAndWritesNothing() throws IOException {
        String m = model.toString();
        Path png = tmp.resolve("x.png");
        userError("outside the model's vocabulary", "attention", "--model", m, "--ids", "1,99", "--out", png.toString());
        userError("is not in this character-level vocabulary", "next", "--model", m, "--prompt", "xyz");
        userError("--layer 2 is out of range", "attention", "--model", m, "--ids", "1,2", "--layer", "2", "--out", png.toString());
        userError("--head 5 is out of range", "attention", "--model", m, "--ids", "1,2", "--layer", "0", "--head", "5", "--out", png.toString());
        userError("context is 12", "lens", "--model", m, "--prompt", "abcdefghabcde");
        userError("--top must be >= 1", "next", "--model", m, "--prompt", "ab", "--top", "0");
        userError("--top must be >= 1", "lens", "--model", m, "--prompt", "ab", "--top", "0");
        userError("temperatures must be", "next", "--model", m, "--prompt", "ab", "--temperatures", "1,-0.5");
        userError("does not exist", "attention", "--model", m, "--ids", "1,2", "--out", tmp.resolve("no/such/dir/a.png").toString());
        userError("does not exist", "lens", "--model", m, "--ids", "1,2", "--out", tmp.resolve("nope/a.png").toString());
        userError("holds no tokenizer", "next", "--model", bare.toString(), "--prompt", "ab");
        userError("unknown preset", "params", "--preset", "gpt5");
        userError("give --out", "attention", "--model", m, "--ids", "1");
        assertFalse(Files.exists(png));
    }
}
