package jgpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import jgpt.io.DType;
import jgpt.io.ModelFolder;
import jgpt.io.SafetensorsFile;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tokenizer.CharTokenizer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpt attention on encoder-decoder folders: the cross-attention JSON and PNG, and bad input. */
class CrossAttentionCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SRC = "2,46,83,51,35,14,0";
    @TempDir Path tmp;
    Path tiny, gpt;

    /** The shared marian-tiny reference case ($GPT_REFERENCE_DIR/marian/marian-tiny, default ../shared/reference/...). */
    static Path tinyDir() {
        String env = System.getenv("GPT_REFERENCE_DIR");
        Path dir = Path.of(env != null && !env.isBlank() ? env : "../shared/reference").resolve("marian").resolve("marian-tiny");
        jgpt.ExternalTools.requireFile(dir, "the marian-tiny reference case");
        return dir;
    }

    @BeforeEach
    void folders() throws IOException {
        Path ref = tinyDir();
        tiny = Files.createDirectory(tmp.resolve("tiny"));
        for (String f : List.of("config.json", "model.safetensors")) Files.copy(ref.resolve(f), tiny.resolve(f));
        gpt = Files.createDirectory(tmp.resolve("gpt"));
        CharTokenizer tok = CharTokenizer.fromText("abcdefgh \n");
        ModelFolder.writeModel(gpt, Gpt.create(GptConfig.of(2, 2, 16, 12, tok.vocabSize(), 0f, true), 3), DType.F32, -1);
        tok.save(gpt);
    }

    private static JsonNode ok(String... args) throws IOException {
        Object[] r = CliErrorTest.run(args);
        assertEquals(0, r[0], "stderr: " + r[2]);
        return JSON.readTree((String) r[1]);
    }

    @Test
    void greedyJsonAndPngOfOneHead() throws IOException {
        Path png = tmp.resolve("x.png");
        JsonNode j = ok("attention", "--model", tiny.toString(), "--ids", SRC, "--layer", "1", "--head", "2", "--out", png.toString(), "--json");
        assertEquals(7, j.get("source_tokens").size());
        int t = j.get("target_tokens").size();
        // the reference's greedy run stops after 12 new tokens; ours runs to the folder's max_length but starts the same
        int[] greedy;
        try (SafetensorsFile f = SafetensorsFile.open(tinyDir().resolve("expected.safetensors"))) {
            greedy = f.readInts("greedy_tokens");
        }
        int[] ours = new int[greedy.length - 1];
        for (int i = 0; i < ours.length; i++) ours[i] = j.at("/target_tokens/" + i + "/id").asInt();
        assertArrayEquals(Arrays.copyOfRange(greedy, 1, greedy.length), ours);
        assertEquals(1, j.get("layers").size());
        assertEquals(1, j.at("/layers/0/layer").asInt());
        assertEquals(2, j.at("/layers/0/heads/0/head").asInt());
        JsonNode rows = j.at("/layers/0/heads/0/weights");
        assertEquals(t, rows.size());
        for (JsonNode row : rows) {
            assertEquals(7, row.size());
            double s = 0;
            for (JsonNode w : row) s += w.asDouble();
            assertEquals(1.0, s, 1e-5);
        }
        BufferedImage img = ImageIO.read(png.toFile());
        int[] tile = CrossAttentionView.singleTile(7, t);
        assertEquals(tile[0], img.getWidth());
        assertEquals(44 + 2 * 20 + tile[1], img.getHeight(), "title, two caption lines, one map");
    }

    @Test
    void beamSearchLayerGridAndAverage() throws IOException {
        JsonNode j = ok("attention", "--model", tiny.toString(), "--ids", SRC, "--beam", "3", "--layer", "0", "--json");
        assertEquals(4, j.at("/layers/0/heads").size());
        JsonNode avg = j.at("/layers/0/head_average/0");
        for (int s = 0; s < 7; s++) {
            double mean = 0;
            for (int h = 0; h < 4; h++) mean += j.at("/layers/0/heads/" + h + "/weights/0/" + s).asDouble() / 4;
            assertEquals(mean, avg.get(s).asDouble(), 1e-6);
        }
        Path png = tmp.resolve("avg.png");
        Object[] r = CliErrorTest.run("attention", "--model", tiny.toString(), "--ids", SRC, "--layer", "1", "--average", "--out", png.toString());
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).contains("mean of 4 heads"), (String) r[1]);
        assertEquals(CrossAttentionView.singleTile(7, 1)[0], ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void sentenceOfATrainedFolder() throws IOException {
        List<String> lines = new ArrayList<>();
        String[] es = {"uno", "dos", "tres", "cuatro"}, en = {"one", "two", "three", "four"};
        for (int i = 0; i < 24; i++) lines.add("r\t" + es[i % 4] + " " + es[(i / 4) % 4] + "\t" + en[i % 4] + " " + en[(i / 4) % 4]);
        Path data = tmp.resolve("pairs.tsv");
        Files.write(data, lines, StandardCharsets.UTF_8);
        Path model = tmp.resolve("mt");
        Object[] r = CliErrorTest.run("train-translation", "--data", data.toString(), "--valid", data.toString(), "--preset", "marian-tiny",
                "--vocab-size", "280", "--batch-tokens", "64", "--iters", "2", "--eval-every", "100", "--valid-sample", "2", "--out", model.toString());
        assertEquals(0, r[0], (String) r[2]);
        JsonNode j = ok("attention", "--model", model.toString(), "--text", "dos tres", "--layer", "0", "--head", "0", "--json");
        JsonNode src = j.get("source_tokens");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < src.size() - 1; i++) text.append(src.get(i).get("text").asText());
        assertEquals("dos tres", text.toString(), "source tokens spell the sentence, then eos");
        assertTrue(j.get("translation").isTextual());
        assertEquals(j.get("target_tokens").size(), j.at("/layers/0/heads/0/weights").size());
    }

    @Test
    void badInputIsOneErrorLineAndNothingWritten() throws IOException {
        String png = tmp.resolve("bad.png").toString(), t = tiny.toString();
        userError("--layer 2 is out of range", "attention", "--model", t, "--ids", SRC, "--layer", "2", "--out", png);
        userError("--head 4 is out of range", "attention", "--model", t, "--ids", SRC, "--layer", "0", "--head", "4", "--out", png);
        userError("--head needs --layer", "attention", "--model", t, "--ids", SRC, "--head", "0", "--out", png);
        userError("--average needs --layer", "attention", "--model", t, "--ids", SRC, "--layer", "0", "--head", "1", "--average", "--out", png);
        userError("--beam must be >= 1", "attention", "--model", t, "--ids", SRC, "--beam", "0", "--out", png);
        userError("give the source sentence", "attention", "--model", t, "--out", png);
        userError("--prompt is for GPT folders", "attention", "--model", t, "--prompt", "hola", "--out", png);
        userError("outside the model's vocabulary", "attention", "--model", t, "--ids", "2,96,0", "--out", png);
        userError("tokenizer", "attention", "--model", t, "--text", "hola", "--out", png);
        userError("is a GPT model", "attention", "--model", gpt.toString(), "--text", "abc", "--out", png);
        userError("is a GPT model", "attention", "--model", gpt.toString(), "--prompt", "abc", "--beam", "2", "--out", png);
    }

    private void userError(String fragment, String... args) throws IOException {
        List<Path> before = Files.list(tmp).sorted().toList();
        Object[] r = CliErrorTest.run(args);
        String err = ((String) r[2]).strip();
        assertEquals(2, r[0], "exit code for " + String.join(" ", args) + "; stderr: " + err);
        assertEquals(1, err.split("\n").length, err);
        assertTrue(err.startsWith("error: ") && err.contains(fragment), "'" + fragment + "' not in: " + err);
        assertEquals("", r[1], "nothing on stdout");
        assertEquals(before, Files.list(tmp).sorted().toList(), "nothing written");
        assertFalse(Files.exists(tmp.resolve("bad.png")));
    }
}
