package jgpt.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jgpt.ExternalTools;
import jgpt.model.Gpt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attention maps and the logit lens of the shared reference GPT-2 against PyTorch computing them in float64 from the
 * same weights (src/test/python/gpt2_inspect.py, Hugging Face's GPT-2 math), on the full 32-token context.
 */
class PyTorchInspectTest {
    static final int T = 32;
    static Gpt model;
    static int[] ids;
    static ByteBuffer attention, lens;

    @BeforeAll
    static void runPyTorch(@TempDir Path tmp) throws Exception {
        model = ReferenceModel.load();
        ExternalTools.requireTorch();
        ids = ReferenceModel.ids(T);
        Path att = tmp.resolve("attention.bin"), lensOut = tmp.resolve("lens.bin");
        List<String> cmd = new ArrayList<>(List.of(ExternalTools.PYTHON, "src/test/python/gpt2_inspect.py",
                ReferenceModel.DIR.toString(), att.toString(), lensOut.toString()));
        for (int id : ids) cmd.add(Integer.toString(id));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        attention = ByteBuffer.wrap(Files.readAllBytes(att)).order(ByteOrder.LITTLE_ENDIAN);
        lens = ByteBuffer.wrap(Files.readAllBytes(lensOut)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void attentionWeightsMatchPyTorchAndRowsSumToOne() {
        AttentionMaps maps = AttentionMaps.of(model, ids);
        int layers = maps.layers(), heads = maps.heads();
        assertEquals((long) layers * heads * T * T * 4, attention.capacity());
        float worst = 0;
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < T; q++) {
                    double sum = 0;
                    for (int k = 0; k < T; k++) {
                        float ours = maps.weight(l, h, q, k), theirs = attention.getFloat(4 * (((l * heads + h) * T + q) * T + k));
                        if (k > q) assertEquals(0f, ours, "future position " + k + " seen from " + q);
                        worst = Math.max(worst, Math.abs(ours - theirs));
                        sum += ours;
                    }
                    assertEquals(1.0, sum, 1e-5, "row sum, layer " + l + " head " + h + " query " + q);
                }
            }
        }
        assertEquals(0f, worst, 2e-6f, "max |attention weight difference| vs PyTorch");
    }

    @Test
    void logitLensMatchesPyTorchAtEveryLayerAndPosition() {
        int vocab = model.config().vocabSize(), layers = model.config().nLayer(), top = 5;
        LogitLens ours = LogitLens.of(model, ids, top);
        assertEquals((long) layers * T * vocab * 4, lens.capacity());
        for (int l = 0; l < layers; l++) {
            for (int pos = 0; pos < T; pos++) {
                int base = (l * T + pos) * vocab;
                float[] theirs = new float[vocab];
                for (int v = 0; v < vocab; v++) theirs[v] = lens.getFloat(4 * (base + v));
                int[] theirTop = Top.indices(theirs, top);
                for (int k = 0; k < top; k++) {
                    // ids compared through their probabilities: near-ties may swap order without being an error
                    assertEquals(theirs[theirTop[k]], ours.topProbs()[l][pos][k], 1e-5f, "layer " + l + " pos " + pos + " rank " + k);
                    assertEquals(theirs[ours.top()[l][pos][k]], ours.topProbs()[l][pos][k], 1e-5f, "layer " + l + " pos " + pos + " rank " + k);
                }
                int finalPrediction = Top.indices(lastLayer(pos, vocab, layers), 1)[0];
                assertEquals(theirs[finalPrediction], ours.predictedProb()[l][pos], 1e-5f, "layer " + l + " pos " + pos);
            }
        }
    }

    private static float[] lastLayer(int pos, int vocab, int layers) {
        float[] p = new float[vocab];
        int base = ((layers - 1) * T + pos) * vocab;
        for (int v = 0; v < vocab; v++) p[v] = lens.getFloat(4 * (base + v));
        return p;
    }
}
