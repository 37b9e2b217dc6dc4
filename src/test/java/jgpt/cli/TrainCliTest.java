package jgpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end training through the CLI: from scratch, resume across invocations, fine-tuning, token shards. */
class TrainCliTest {
    @TempDir Path tmp;
    Path text;
    static final String[] SHAPE = {"--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--block-size", "16"};
    static final String[] RUN = {"--batch-size", "2", "--eval-interval", "4", "--eval-iters", "1", "--sample-tokens", "0", "--warmup", "2"};

    @BeforeEach
    void corpus() throws Exception {
        text = tmp.resolve("corpus.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog.\n".repeat(40));
    }

    private Object[] train(String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train"));
        java.util.List<String> given = java.util.List.of(extra);
        if (!given.contains("--init") && !given.contains("--resume")) args.addAll(java.util.List.of(SHAPE));
        args.addAll(java.util.List.of(RUN));
        args.addAll(given);
        Object[] r = CliErrorTest.run(args.toArray(String[]::new));
        assertEquals(0, r[0], "train failed: " + r[2]);
        return r;
    }

    @Test
    void resumeAcrossInvocationsMatchesOneRun() throws Exception {
        Path straight = tmp.resolve("straight"), split = tmp.resolve("split");
        train("--data", text.toString(), "--iters", "8", "--lr-decay-iters", "8", "--out", straight.toString());
        train("--data", text.toString(), "--iters", "4", "--lr-decay-iters", "8", "--out", split.toString());
        Object[] r = train("--resume", "--iters", "8", "--out", split.toString());
        assertTrue(((String) r[1]).contains("resuming"), (String) r[1]);
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(split.resolve("model.safetensors")));
        assertArrayEquals(Files.readAllBytes(straight.resolve("optimizer.safetensors")), Files.readAllBytes(split.resolve("optimizer.safetensors")));
    }

    @Test
    void refusesToOverwriteACheckpoint() throws Exception {
        Path out = tmp.resolve("run");
        train("--data", text.toString(), "--iters", "2", "--out", out.toString());
        Object[] r = CliErrorTest.run("train", "--data", text.toString(), "--iters", "2", "--out", out.toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("--resume"), (String) r[2]);
    }

    @Test
    void fineTuneFromAFolderKeepsShapeAndCanFreezeEmbeddings() throws Exception {
        Path base = tmp.resolve("base"), tuned = tmp.resolve("tuned"), frozen = tmp.resolve("frozen");
        train("--data", text.toString(), "--iters", "4", "--out", base.toString());
        train("--init", base.toString(), "--data", text.toString(), "--iters", "3", "--seq-len", "8", "--out", tuned.toString());
        train("--init", base.toString(), "--data", text.toString(), "--iters", "3", "--freeze-embeddings", "--out", frozen.toString());
        Gpt b = ModelFolder.loadModel(base), t = ModelFolder.loadModel(tuned), f = ModelFolder.loadModel(frozen);
        assertEquals(b.config(), t.config());
        assertFalse(java.util.Arrays.equals(b.parameters().data(), t.parameters().data()));
        assertArrayEquals(b.parameters().get("wte.weight").toArray(), f.parameters().get("wte.weight").toArray());
        assertArrayEquals(b.parameters().get("wpe.weight").toArray(), f.parameters().get("wpe.weight").toArray());
        assertFalse(java.util.Arrays.equals(b.parameters().get("ln_f.weight").toArray(), f.parameters().get("ln_f.weight").toArray()));
        Object[] g = CliErrorTest.run("generate", "--model", tuned.toString(), "--prompt", "the", "-n", "10");
        assertEquals(0, g[0], (String) g[2]);
        Path bf16 = tmp.resolve("bf16");
        Object[] e = CliErrorTest.run("export", "--model", tuned.toString(), "--out", bf16.toString(), "--dtype", "bf16");
        assertEquals(0, e[0], (String) e[2]);
        try (var weights = jgpt.io.SafetensorsFile.open(bf16.resolve("model.safetensors"))) {
            assertEquals(jgpt.io.DType.BF16, weights.dtype("wte.weight"));
        }
        assertTrue(Files.readString(bf16.resolve("config.json")).contains("bfloat16"));
        Gpt back = ModelFolder.loadModel(bf16);
        float[] a = t.parameters().data(), c = back.parameters().data();
        for (int i = 0; i < a.length; i++) assertEquals(a[i], c[i], Math.abs(a[i]) / 128f + 1e-30f, "bf16 keeps 8 bits of mantissa");
        assertEquals(0, CliErrorTest.run("generate", "--model", bf16.toString(), "--prompt", "the", "-n", "5")[0]);
    }

    @Test
    void trainsFromPreparedShards() throws Exception {
        Path shards = tmp.resolve("shards");
        for (String format : new String[] {"nanogpt", "llmc"}) {
            Object[] p = CliErrorTest.run("prepare", text.toString(), "--out", shards.toString(), "--tokenizer", "char", "--format", format);
            assertEquals(0, p[0], (String) p[2]);
            train("--data", shards.toString(), "--iters", "2", "--force", "--out", tmp.resolve("fromshards").toString());
        }
        long tokens = (Files.size(shards.resolve("train.bin")) - 1024 + Files.size(shards.resolve("val.bin")) - 1024) / 2;
        assertEquals(Files.readString(text).length(), tokens);
    }
}
