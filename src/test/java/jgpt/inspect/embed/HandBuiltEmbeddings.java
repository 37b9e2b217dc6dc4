package jgpt.inspect.embed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jgpt.io.DType;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;
import jgpt.tokenizer.BpeTrainer;
import jgpt.tokenizer.ByteLevelBpe;

/**
 * A tiny GPT-2 model folder whose wte rows are set by hand: a byte-level BPE learned from a few words (so each
 * word, with its leading space, is one token) and 8-wide embeddings with known geometry. Axis 0 = royalty,
 * 1 = gender (male +, female -), 2 = count, the other axes hold small noise for every other token.
 */
final class HandBuiltEmbeddings {
    static final int DIM = 8;
    static final String CORPUS_LINE = "king man woman queen prince one two three four cat cats king\n";

    /** Word (as in running text, with its leading space) to its hand-made vector. */
    static final Map<String, float[]> VECTORS = Map.ofEntries(
            Map.entry(" king", new float[] {1, 1, 0, 0, 0, 0, 0, 0}),
            Map.entry(" queen", new float[] {1, -1, 0, 0, 0, 0, 0, 0}),
            Map.entry(" man", new float[] {0, 1, 0, 0, 0, 0, 0, 0}),
            Map.entry(" woman", new float[] {0, -1, 0, 0, 0, 0, 0, 0}),
            Map.entry(" prince", new float[] {0.9f, 1, 0, 0.3f, 0, 0, 0, 0}),
            Map.entry(" cat", new float[] {0, 0, 0, 0, 1, 0, 0, 0}),
            Map.entry(" cats", new float[] {0, 0, 1, 0, 1, 0, 0, 0}),
            Map.entry(" one", new float[] {0, 0, 1, 0, 0, 1, 0, 0}),
            Map.entry(" two", new float[] {0, 0, 2, 0, 0, 1, 0, 0}),
            Map.entry(" three", new float[] {0, 0, 3, 0, 0, 1, 0, 0}),
            Map.entry(" four", new float[] {0, 0, 4, 0, 0, 1, 0, 0}));

    final ByteLevelBpe tokenizer;
    final Gpt model;

    HandBuiltEmbeddings() {
        tokenizer = BpeTrainer.train(CORPUS_LINE.repeat(20), 400, true);
        model = Gpt.create(GptConfig.of(1, 2, DIM, 8, tokenizer.vocabSize(), 0f, true), 7);
        Tensor wte = model.parameters().get("wte.weight");
        Rng rng = new Rng(3);
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            for (int j = 0; j < DIM; j++) wte.set(id, j, j >= 5 ? 0.05f * (rng.nextFloat() - 0.5f) : 0f);
        }
        for (var e : VECTORS.entrySet()) {
            int id = id(e.getKey());
            for (int j = 0; j < DIM; j++) wte.set(id, j, e.getValue()[j]);
        }
    }

    /** The single token id of a piece of text (fails when it is not one token). */
    int id(String text) {
        int[] ids = tokenizer.encode(text);
        if (ids.length != 1) throw new AssertionError("'" + text + "' is " + ids.length + " tokens");
        return ids[0];
    }

    float[] row(int id) {
        Tensor wte = model.parameters().get("wte.weight");
        float[] r = new float[DIM];
        for (int j = 0; j < DIM; j++) r[j] = wte.get(id, j);
        return r;
    }

    /** Writes config.json, model.safetensors and the tokenizer files into a new folder {@code dir}. */
    Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        ModelFolder.writeModel(dir, model, DType.F32, tokenizer.endOfTextId());
        tokenizer.save(dir);
        return dir;
    }
}
