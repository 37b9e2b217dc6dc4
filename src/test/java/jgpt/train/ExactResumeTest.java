package jgpt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Train 20 steps == train 10, checkpoint, resume, train 10 more: bit-identical weights, moments and losses. */
class ExactResumeTest {
    @TempDir Path tmp;

    static int[] randomTokens(int n, int vocab, long seed) {
        Rng r = new Rng(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
        return t;
    }

    static TrainConfig config() {
        // dropout below exercises the shared random stream; grad accumulation and clipping are on; an even
        // batch splits across two data-parallel replicas
        return new TrainConfig(4, 2, 20, 3e-3f, 3e-4f, 4, 20, 0.9f, 0.99f, 0.1f, 0.5f, 5, 2, 0, 42, 0, false);
    }

    /** Two layers, 16 wide, context 8, vocabulary 11, dropout 0.1 (the shared random stream is exercised). */
    static final GptConfig SMALL = GptConfig.of(2, 2, 16, 8, 11, 0.1f, true);

    /** A trainer of a fresh SMALL model (same initial weights every time). */
    static Trainer trainer(TrainConfig tc, int[] train, int[] val, Path dir, TrainingListener listener) {
        return new Trainer(Gpt.create(SMALL, 7), tc, TokenSource.of(train), TokenSource.of(val), dir, listener);
    }

    @Test
    void resumedRunMatchesUninterruptedRun() throws Exception {
        int[] train = randomTokens(500, 11, 1), val = randomTokens(100, 11, 2);

        Trainer straight = trainer(config(), train, val, null, null);
        straight.runUntil(20);

        Path dir = tmp.resolve("ckpt");
        Trainer first = trainer(config(), train, val, dir, null)
                .withRunInfo(Map.of("data", "synthetic"), -1, null);
        first.runUntil(10);
        assertTrue(Checkpoint.exists(dir));
        Trainer second = Trainer.resume(Checkpoint.load(dir), config(), TokenSource.of(train), TokenSource.of(val), dir, null);
        assertEquals(10, second.step());
        second.runUntil(20);

        assertArrayEquals(straight.model().parameters().data(), second.model().parameters().data());
        var a = straight.log().rows();
        var b = second.log().rows();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), 0f, "train loss at row " + i);
            assertEquals(a.get(i).valLoss(), b.get(i).valLoss(), 0f, "val loss at row " + i);
        }
    }

    @Test
    void resumesFromAPeriodicCheckpointWrittenWhileTrainingWentOn() throws Exception {
        int[] train = randomTokens(500, 11, 1), val = randomTokens(100, 11, 2);
        TrainConfig every3 = new TrainConfig(4, 2, 20, 3e-3f, 3e-4f, 4, 20, 0.9f, 0.99f, 0.1f, 0.5f, 5, 2, 3, 42, 0, false);
        Trainer straight = trainer(every3, train, val, null, null);
        straight.runUntil(11);

        // the step-6 checkpoint is written in the background while step 7 runs; the listener hears of it once it
        // is complete (before step 7 updates the weights) and keeps a copy, since step 9's replaces it
        Path dir = tmp.resolve("periodic"), kept = tmp.resolve("kept");
        java.util.List<Integer> heard = new java.util.ArrayList<>();
        TrainingListener copyAt6 = new TrainingListener() {
            @Override
            public void onCheckpoint(int step, Path at) {
                heard.add(step);
                if (step != 6) return;
                try (var files = Files.list(at)) {
                    Files.createDirectories(kept);
                    for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, kept.resolve(f.getFileName()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        trainer(every3, train, val, dir, copyAt6)
                .withRunInfo(Map.of("data", "synthetic"), -1, null).runUntil(11);
        assertEquals(java.util.List.of(3, 6, 9, 11), heard);

        Trainer resumed = Trainer.resume(Checkpoint.load(kept), every3, TokenSource.of(train), TokenSource.of(val), kept, null);
        assertEquals(6, resumed.step());
        resumed.runUntil(11);
        assertArrayEquals(straight.model().parameters().data(), resumed.model().parameters().data());
    }

    @Test
    void wholeSplitLossThroughTheReplicasMatchesTheModelsForwardPass() throws Exception {
        int[] train = randomTokens(500, 11, 1), val = randomTokens(203, 11, 2);
        Trainer t = trainer(config(), train, val, null, null);
        t.runUntil(3);
        // 202 predictions: 25 windows of 8 (six batches of four through the replicas, one window directly) + a tail of 2
        Evaluation.Result expected = Evaluation.meanLoss(t.model(), TokenSource.of(val), 8, 32, Long.MAX_VALUE);
        Evaluation.Result viaReplicas = t.meanLossOverWindows(TokenSource.of(val), 8, Long.MAX_VALUE);
        assertEquals(202, viaReplicas.tokens());
        assertEquals(expected.meanLoss(), viaReplicas.meanLoss(), 1e-5);
        // another window length than training's goes through the model alone
        assertEquals(Evaluation.meanLoss(t.model(), TokenSource.of(val), 5, 32, 100).meanLoss(),
                t.meanLossOverWindows(TokenSource.of(val), 5, 100).meanLoss(), 1e-6);
    }

    @Test
    void checkpointFolderIsAHuggingFaceModelFolder() throws Exception {
        GptConfig cfg = GptConfig.of(1, 2, 8, 8, 7, 0f, false);
        Path dir = tmp.resolve("hf");
        Trainer t = new Trainer(Gpt.create(cfg, 3), config(), TokenSource.of(randomTokens(200, 7, 5)),
                TokenSource.of(randomTokens(50, 7, 6)), dir, null);
        t.runUntil(2);
        Gpt loaded = ModelFolder.loadModel(dir);
        assertEquals(cfg, loaded.config());
        assertArrayEquals(t.model().parameters().data(), loaded.parameters().data());
        // a bias-free model is written with explicit zero biases so HF's GPT2LMHeadModel loads it
        String header = Files.readString(dir.resolve("config.json"));
        assertTrue(header.contains("\"bias\" : false"), header);
        try (var f = jgpt.io.SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertTrue(f.contains("h.0.attn.c_attn.bias"));
        }
    }
}
