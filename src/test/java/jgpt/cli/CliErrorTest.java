package jgpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import jgpt.io.DType;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tokenizer.CharTokenizer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: one line on stderr naming the problem, exit code 2, no stack trace. */
class CliErrorTest {
    @TempDir Path tmp;
    Path model;

    /** Runs the CLI, returning {exit code, stdout, stderr}. */
    static Object[] run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Object[] {code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @BeforeEach
    void writeModel() throws IOException {
        model = tmp.resolve("model");
        Files.createDirectories(model);
        CharTokenizer tok = CharTokenizer.fromText("abcdefgh \n");
        Gpt gpt = Gpt.create(GptConfig.of(1, 2, 8, 16, tok.vocabSize(), 0f, true), 1);
        ModelFolder.writeModel(model, gpt, DType.F32, -1);
        tok.save(model);
    }

    private void expectUserError(String fragment, String... args) {
        Object[] r = run(args);
        String err = (String) r[2];
        assertEquals(2, r[0], "exit code for " + String.join(" ", args) + "; stderr: " + err);
        String[] lines = err.strip().split("\n");
        assertEquals(1, lines.length, "one line expected, got: " + err);
        assertTrue(lines[0].startsWith("error: "), err);
        assertTrue(err.contains(fragment), "'" + fragment + "' not in: " + err);
        assertFalse(err.contains("\tat "), "stack trace: " + err);
    }

    private Path copyModel(String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        try (var files = Files.list(model)) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    @Test void worksOnGoodInput() {
        Object[] r = run("generate", "--model", model.toString(), "--prompt", "abc", "-n", "5", "--seed", "1");
        assertEquals(0, r[0], (String) r[2]);
        assertTrue(((String) r[1]).startsWith("abc"));
    }

    @Test void decodeBenchBeyondTheContext() {
        expectUserError("--decode-tokens must be at most 1024", "bench", "--workloads", "decode", "--decode-tokens", "2000");
    }

    @Test void missingModelFolder() { expectUserError("model folder not found", "generate", "--model", tmp.resolve("nope").toString()); }

    @Test void folderWithoutWeights() throws IOException {
        Path dir = copyModel("noweights");
        Files.delete(dir.resolve("model.safetensors"));
        expectUserError("no model.safetensors", "info", "--model", dir.toString());
    }

    @Test void malformedConfig() throws IOException {
        Path dir = copyModel("badconfig");
        Files.writeString(dir.resolve("config.json"), "{\"n_layer\": 1, ");
        expectUserError("not valid JSON", "info", "--model", dir.toString());
    }

    @Test void configWithWrongType() throws IOException {
        Path dir = copyModel("badtype");
        String json = Files.readString(dir.resolve("config.json")).replace("\"n_embd\" : 8", "\"n_embd\" : \"eight\"");
        Files.writeString(dir.resolve("config.json"), json);
        expectUserError("n_embd", "info", "--model", dir.toString());
    }

    @Test void truncatedSafetensors() throws IOException {
        Path dir = copyModel("truncated");
        Path w = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(w);
        Files.write(w, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        expectUserError("model.safetensors", "info", "--model", dir.toString());
    }

    @Test void wrongHeader() throws IOException {
        Path dir = copyModel("header");
        Files.writeString(dir.resolve("model.safetensors"), "this is not a safetensors file at all");
        expectUserError("model.safetensors", "info", "--model", dir.toString());
    }

    @Test void shapeMismatch() throws IOException {
        Path dir = copyModel("shape");
        String json = Files.readString(dir.resolve("config.json")).replace("\"n_embd\" : 8", "\"n_embd\" : 16");
        Files.writeString(dir.resolve("config.json"), json);
        expectUserError("shape", "info", "--model", dir.toString());
    }

    @Test void unknownTensor() throws IOException {
        Path dir = copyModel("unknown");
        Gpt gpt = ModelFolder.loadModel(model);
        var w = new jgpt.io.SafetensorsWriter(DType.F32);
        for (var e : gpt.parameters().entries()) w.addFloats(e.name(), e.tensor().shape().dims(), e.tensor().data(), e.tensor().offset());
        w.addFloats("h.0.extra.weight", new int[] {2}, new float[2], 0);
        w.write(dir.resolve("model.safetensors"));
        expectUserError("unknown tensor h.0.extra.weight", "info", "--model", dir.toString());
    }

    @Test void wrongDtype() throws IOException {
        Path dir = copyModel("dtype");
        Gpt gpt = ModelFolder.loadModel(model);
        var w = new jgpt.io.SafetensorsWriter(DType.F32);
        for (var e : gpt.parameters().entries()) {
            if (e.name().equals("ln_f.weight")) w.addInts(e.name(), e.tensor().shape().dims(), new int[e.tensor().size()], 0);
            else w.addFloats(e.name(), e.tensor().shape().dims(), e.tensor().data(), e.tensor().offset());
        }
        w.write(dir.resolve("model.safetensors"));
        expectUserError("ln_f.weight", "info", "--model", dir.toString());
    }

    @Test void tokenIdOutOfRange() throws IOException {
        Path ids = tmp.resolve("ids.json");
        Files.writeString(ids, "[1, 2, 99]");
        expectUserError("token id 99", "score", "--model", model.toString(), "--ids", ids.toString());
    }

    @Test void promptLongerThanContext() {
        expectUserError("context is 16", "generate", "--model", model.toString(), "--prompt", "abcdefghabcdefghabc");
    }

    @Test void promptWithUnknownCharacter() {
        expectUserError("'Z'", "generate", "--model", model.toString(), "--prompt", "aZ");
    }

    @Test void negativeTemperature() { expectUserError("--temperature", "generate", "--model", model.toString(), "--temperature", "-1"); }

    @Test void topPOutOfRange() {
        expectUserError("--top-p", "generate", "--model", model.toString(), "--top-p", "1.5");
        expectUserError("--top-p", "generate", "--model", model.toString(), "--top-p", "0");
    }

    @Test void tokenizerLargerThanModelVocabulary() throws IOException {
        Path dir = copyModel("vocab");
        Files.delete(dir.resolve(CharTokenizer.FILE));
        jgpt.tokenizer.ByteLevelBpe.gpt2().save(dir); // 50257 ids for a model with 10
        expectUserError("vocab_size is 10", "generate", "--model", dir.toString(), "--prompt", "a");
    }

    @Test void folderWithoutTokenizer() throws IOException {
        Path dir = copyModel("notok");
        Files.delete(dir.resolve(CharTokenizer.FILE));
        expectUserError("holds no tokenizer", "generate", "--model", dir.toString(), "--prompt", "a");
    }

    @Test void unknownTokenizerName() { expectUserError("unknown tokenizer", "tokenize", "--tokenizer", "gpt5", "--text", "hi"); }

    @Test void unknownWeightFormat() { expectUserError("weight format", "generate", "--model", model.toString(), "--weights", "fp8"); }

    @Test void unknownFlag() { expectUserError("--bogus", "generate", "--model", model.toString(), "--bogus"); }

    @Test void notANumber() { expectUserError("--max-tokens", "generate", "--model", model.toString(), "--max-tokens", "many"); }

    @Test void missingTrainingData() { expectUserError("file not found", "train", "--data", tmp.resolve("none.txt").toString(), "--out", tmp.resolve("o").toString()); }

    @Test void unknownPreset() { expectUserError("unknown preset", "train", "--preset", "huge", "--out", tmp.resolve("o").toString()); }

    @Test void resumeWithoutCheckpoint() { expectUserError("no resumable checkpoint", "train", "--resume", "--out", tmp.resolve("empty").toString()); }

    @Test void invalidModelShape() { expectUserError("multiple of n_head", "train", "--n-embd", "30", "--n-head", "4", "--out", tmp.resolve("o").toString()); }
}
