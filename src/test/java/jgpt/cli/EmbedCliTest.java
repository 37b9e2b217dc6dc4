package jgpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import jgpt.io.DType;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tokenizer.BpeTrainer;
import jgpt.tokenizer.ByteLevelBpe;
import jgpt.tokenizer.CharTokenizer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gpt embed ...} end to end: JSON shape, PNG output, and bad input (one error line, exit 2, nothing written). */
class EmbedCliTest {
    @TempDir Path tmp;
    Path bpeModel, charModel;

    @BeforeEach
    void models() throws Exception {
        ByteLevelBpe bpe = BpeTrainer.train("king man woman queen one two three four cat cats king\n".repeat(20), 400, true);
        bpeModel = write("bpe", Gpt.create(GptConfig.of(1, 2, 16, 8, bpe.vocabSize(), 0f, true), 3), bpe.endOfTextId());
        bpe.save(bpeModel);
        CharTokenizer chars = CharTokenizer.fromText("abcdefghijklmnopqrstuvwxyz \n");
        charModel = write("chars", Gpt.create(GptConfig.of(1, 2, 16, 8, chars.vocabSize(), 0f, true), 3), -1);
        chars.save(charModel);
    }

    private Path write(String name, Gpt gpt, int eot) throws Exception {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        ModelFolder.writeModel(dir, gpt, DType.F32, eot);
        return dir;
    }

    private static JsonNode json(Object[] r) throws Exception {
        assertEquals(0, r[0], "failed: " + r[2]);
        String out = (String) r[1];
        assertEquals(1, out.strip().lines().count(), "one JSON document and nothing else on stdout: " + out);
        return new ObjectMapper().readTree(out);
    }

    @Test
    void neighboursAndAnalogyPrintTheDocumentedJson() throws Exception {
        JsonNode n = json(CliErrorTest.run("embed", "neighbours", "--model", bpeModel.toString(), "king", "--top", "3", "--json"));
        assertEquals("king", n.get("query").get(0).get("word").asText());
        assertEquals(" king", n.get("query").get(0).get("tokens").get(0).get("text").asText());
        assertEquals(3, n.get("results").size());
        for (JsonNode m : n.get("results")) {
            assertTrue(m.has("id") && m.has("text") && m.get("cosine").isNumber());
            assertTrue(m.get("id").asInt() != n.get("query").get(0).get("tokens").get(0).get("id").asInt(), "the word itself is excluded");
        }
        assertTrue(n.get("results").get(0).get("cosine").asDouble() >= n.get("results").get(2).get("cosine").asDouble());

        JsonNode a = json(CliErrorTest.run("embed", "analogy", "--model", bpeModel.toString(), "king", "man", "woman", "--json"));
        assertEquals(3, a.get("query").size());
        assertEquals(10, a.get("results").size());
    }

    @Test
    void directionPrintsBarsAndJson() throws Exception {
        Object[] r = CliErrorTest.run("embed", "direction", "--model", bpeModel.toString(), "--from", "cat", "--to", "cats", "--probe", "one,two,three,four");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("│"), (String) r[1]);
        JsonNode j = json(CliErrorTest.run("embed", "direction", "--model", bpeModel.toString(), "--from", "cat", "--to", "cats",
                "--probe", "one,two,three,four", "--json"));
        assertEquals(4, j.get("results").size());
        for (int i = 1; i < 4; i++) {
            assertTrue(j.get("results").get(i - 1).get("dot").asDouble() >= j.get("results").get(i).get("dot").asDouble(), "sorted");
        }
    }

    @Test
    void plotWritesAPngOfTheExpectedSize() throws Exception {
        Path png = tmp.resolve("pca.png");
        JsonNode j = json(CliErrorTest.run("embed", "plot", "--model", bpeModel.toString(), "--words", "king,queen,man,woman,kingcat",
                "--out", png.toString(), "--json"));
        assertEquals(5, j.get("points").size());
        assertTrue(j.get("points").get(4).get("averaged").asBoolean(), "kingcat is several tokens");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(EmbedPlotCommand.WIDTH, img.getWidth());
        assertEquals(EmbedPlotCommand.HEIGHT, img.getHeight());

        Path tsne = tmp.resolve("tsne.png");
        Object[] r = CliErrorTest.run("embed", "plot", "--model", charModel.toString(), "--top", "20", "--method", "tsne", "--out", tsne.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertEquals(EmbedPlotCommand.WIDTH, ImageIO.read(tsne.toFile()).getWidth());
    }

    private void assertUserError(String expected, String... args) {
        Object[] r = CliErrorTest.run(args);
        String err = (String) r[2];
        assertEquals(2, r[0], "exit code for " + String.join(" ", args) + "; stderr: " + err);
        assertTrue(err.startsWith("error:"), err);
        assertEquals(1, err.strip().lines().count(), "one line: " + err);
        assertTrue(err.contains(expected), "'" + expected + "' in: " + err);
        assertFalse(err.contains("Exception"), err);
    }

    @Test
    void badInputIsOneErrorLineAndExitCode2() throws Exception {
        String m = charModel.toString();
        assertUserError("unknown word 'kingé'", "embed", "neighbours", "--model", m, "kingé");
        assertUserError("nearest spellings", "embed", "neighbours", "--model", m, "Zebra");
        assertUserError("--top must be at least 1", "embed", "neighbours", "--model", m, "king", "--top", "0");
        assertUserError("--top must be at least 1", "embed", "analogy", "--model", m, "a", "b", "c", "--top", "-1");
        assertUserError("--method must be pca or tsne", "embed", "plot", "--model", m, "--top", "5", "--method", "umap", "--out", tmp.resolve("x.png").toString());
        assertUserError("ending in .png", "embed", "plot", "--model", m, "--top", "5", "--out", tmp.resolve("x.jpg").toString());
        assertUserError("does not exist", "embed", "plot", "--model", m, "--top", "5", "--out", tmp.resolve("no/such/x.png").toString());
        assertUserError("t-SNE needs at least", "embed", "plot", "--model", m, "--words", "a,b,c", "--method", "tsne", "--out", tmp.resolve("y.png").toString());
        assertUserError("", "embed", "plot", "--model", m, "--out", tmp.resolve("z.png").toString()); // neither --words nor --top
        assertUserError("holds no tokenizer", "embed", "neighbours", "--model", tmp.resolve("bare").toString(), "king");
        assertUserError("missing subcommand", "embed");
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".png")), "nothing written");
        }
    }

    @BeforeEach
    void bareModel() throws Exception {
        write("bare", Gpt.create(GptConfig.of(1, 2, 16, 8, 30, 0f, true), 3), -1); // weights but no tokenizer
    }
}
