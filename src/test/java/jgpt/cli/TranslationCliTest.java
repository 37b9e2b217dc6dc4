package jgpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jgpt.io.DType;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpt train-translation and gpt translate end to end on a tiny model: exact resume, outputs, bad input. */
class TranslationCliTest {
    @TempDir Path tmp;

    private static final String[] ES = {"uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho"};
    private static final String[] EN = {"one", "two", "three", "four", "five", "six", "seven", "eight"};

    /** ref, Spanish, English: pairs of number words. */
    private Path pairs(String name, int n, int offset) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int a = (i + offset) % 8, b = (3 * i + offset + 1) % 8;
            lines.add("r " + i + "\t" + ES[a] + " " + ES[b] + "\t" + EN[a] + " " + EN[b]);
        }
        Path f = tmp.resolve(name);
        Files.write(f, lines, StandardCharsets.UTF_8);
        return f;
    }

    private String[] train(Path out, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("train-translation", "--data", pairs("train.tsv", 48, 0).toString(),
                "--valid", pairs("valid.tsv", 6, 5).toString(), "--preset", "marian-tiny", "--vocab-size", "300",
                "--batch-tokens", "64", "--warmup", "2", "--lr", "3e-3", "--eval-every", "100", "--valid-sample", "4", "--out", out.toString()));
        args.addAll(List.of(extra));
        Object[] r = CliErrorTest.run(args.toArray(String[]::new));
        assertEquals(0, r[0], "stderr: " + r[2]);
        return new String[] {(String) r[1], (String) r[2]};
    }

    /** 6 steps straight and 3 + 3 with a stop and --resume in between give bit-identical weights and Adam state. */
    @Test void resumeIsBitIdentical() throws IOException {
        Path straight = tmp.resolve("straight"), split = tmp.resolve("split");
        train(straight, "--iters", "6");
        train(split, "--iters", "3");
        String[] resumed = train(split, "--iters", "6", "--resume");
        assertTrue(resumed[0].contains("resuming"), resumed[0]);
        for (String f : List.of("model.safetensors", "optimizer.safetensors")) {
            assertArrayEquals(Files.readAllBytes(straight.resolve(f)), Files.readAllBytes(split.resolve(f)), f + " differs after resume");
        }
        // and a run with another seed differs, so the comparison can fail
        Path other = tmp.resolve("other");
        train(other, "--iters", "6", "--seed", "7");
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(other.resolve("model.safetensors"))));

        Path input = tmp.resolve("in.txt");
        Files.writeString(input, "uno dos\n\ntres cuatro\n", StandardCharsets.UTF_8);
        Object[] r = CliErrorTest.run("translate", "--model", straight.toString(), "--file", input.toString(), "--beam", "3", "--max-len", "8");
        assertEquals(0, r[0], "stderr: " + r[2]);
        assertEquals(3, ((String) r[1]).split("\n", -1).length - 1, "one output line per input line: " + r[1]);
    }

    private void expectUserError(String fragment, String... args) {
        Object[] r = CliErrorTest.run(args);
        String err = ((String) r[2]).strip();
        assertEquals(2, r[0], "exit code; stderr: " + err);
        assertEquals(1, err.split("\n").length, "one line: " + err);
        assertTrue(err.startsWith("error: ") && err.contains(fragment), "'" + fragment + "' not in: " + err);
    }

    @Test void badInput() throws IOException {
        Path valid = pairs("valid.tsv", 6, 5);
        Path bad = tmp.resolve("bad.tsv");
        Files.writeString(bad, "a\tuno\tone\nb\tdos\nc\ttres\tthree\n", StandardCharsets.UTF_8);
        expectUserError("bad.tsv:2: 2 tab-separated column(s), expected 3", "train-translation", "--data", bad.toString(),
                "--valid", valid.toString(), "--out", tmp.resolve("x").toString(), "--iters", "1");
        Files.writeString(bad, "a\tuno\tone\nb\t \ttwo\n", StandardCharsets.UTF_8);
        expectUserError("bad.tsv:2: empty source", "train-translation", "--data", bad.toString(),
                "--valid", valid.toString(), "--out", tmp.resolve("x").toString(), "--iters", "1");
        expectUserError("--columns", "train-translation", "--data", valid.toString(), "--valid", valid.toString(),
                "--columns", "2,2", "--out", tmp.resolve("x").toString(), "--iters", "1");

        Path run = tmp.resolve("run");
        train(run, "--iters", "1");
        expectUserError("--beam must be >= 1", "translate", "--model", run.toString(), "--text", "uno", "--beam", "0");
        expectUserError("use 'gpt translate'", "generate", "--model", run.toString(), "-n", "2");
        expectUserError("already holds a run", "train-translation", "--data", valid.toString(), "--valid", valid.toString(),
                "--out", run.toString(), "--iters", "1");

        Path gpt = tmp.resolve("gpt");
        Files.createDirectories(gpt);
        CharTokenizer tok = CharTokenizer.fromText("abc \n");
        ModelFolder.writeModel(gpt, Gpt.create(GptConfig.of(1, 2, 8, 16, tok.vocabSize(), 0f, true), 1), DType.F32, -1);
        tok.save(gpt);
        expectUserError("not an encoder-decoder", "translate", "--model", gpt.toString(), "--text", "abc");
    }
}
