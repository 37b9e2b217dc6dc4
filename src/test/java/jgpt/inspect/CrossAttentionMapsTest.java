package jgpt.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import jgpt.ExternalTools;
import jgpt.io.SafetensorsFile;
import jgpt.nn.Parameters;
import jgpt.tensor.Tensor;
import jgpt.translate.BeamSearch;
import jgpt.translate.DecodingSettings;
import jgpt.translate.MarianCheckpoint;
import jgpt.translate.MarianModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-attention recorded from the incremental decoder against PyTorch recomputing softmax(q kᵀ / sqrt(hd)) in
 * float64 from the same weights (src/test/python/marian_cross_attention.py, HF MarianMTModel's math), on the shared
 * marian-tiny case's greedy translation and on the same model with its weights scaled up (so attention is far from
 * uniform and a wrong head, layer or source position shows).
 */
class CrossAttentionMapsTest {
    static Path tinyDir() {
        String env = System.getenv("GPT_REFERENCE_DIR");
        return Path.of(env != null && !env.isBlank() ? env : "../shared/reference").resolve("marian").resolve("marian-tiny");
    }

    static int[] greedySource() {
        ExternalTools.requireFile(tinyDir(), "the marian-tiny reference case");
        try (SafetensorsFile f = SafetensorsFile.open(tinyDir().resolve("expected.safetensors"))) {
            return f.readInts("greedy_src");
        }
    }

    @Test
    void tinyGreedyTranslationMatchesPyTorch(@TempDir Path tmp) throws Exception {
        MarianModel model = MarianCheckpoint.load(tinyDir(), false);
        check(model, tinyDir(), greedySource(), tmp, 1, 2e-6f);
    }

    @Test
    void sharpAttentionMatchesPyTorchAfterBeamSearch(@TempDir Path tmp) throws Exception {
        MarianModel model = MarianCheckpoint.load(tinyDir(), false);
        for (Parameters.Entry e : model.parameters().entries()) {
            if (!e.trainable()) continue; // the sinusoidal table stays as it is
            Tensor t = e.tensor();
            for (int i = 0; i < t.size(); i++) t.data()[t.offset() + i] *= 12f;
        }
        Path dir = Files.createDirectory(tmp.resolve("sharp"));
        MarianCheckpoint.write(dir, model);
        // scores about 150x larger: float32 rounding of the forward pass grows with them
        float peak = check(model, dir, greedySource(), tmp, 3, 1e-4f);
        assertTrue(peak > 0.5f, "scaled weights should give peaked attention, max weight " + peak);
    }

    /** Decodes, records, compares every weight with PyTorch; returns the largest weight seen. */
    private static float check(MarianModel model, Path folder, int[] source, Path tmp, int beams, float tolerance) throws Exception {
        var cfg = model.config();
        DecodingSettings st = new DecodingSettings(beams, 13, 1f, new int[0], -1);
        int[] decoded = BeamSearch.translate(model, new int[][] {source}, st).get(0);
        CrossAttentionMaps maps = CrossAttentionMaps.of(model, source, decoded);
        int t = decoded.length - 1, s = source.length;
        assertEquals(t, maps.targets());
        assertEquals(s, maps.sources());
        ExternalTools.requireTorch();
        Path out = tmp.resolve("cross.bin");
        Process p = new ProcessBuilder(ExternalTools.PYTHON, "src/test/python/marian_cross_attention.py", folder.toString(),
                out.toString(), join(source), join(Arrays.copyOf(decoded, t))).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        ByteBuffer theirs = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        int layers = cfg.decoderLayers(), heads = cfg.decoderHeads();
        assertEquals((long) layers * heads * t * s * 4, theirs.capacity());
        float worst = 0, peak = 0;
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    double sum = 0;
                    for (int j = 0; j < s; j++) {
                        float ours = maps.weight(l, h, i, j), ref = theirs.getFloat(4 * (((l * heads + h) * t + i) * s + j));
                        worst = Math.max(worst, Math.abs(ours - ref));
                        peak = Math.max(peak, ours);
                        sum += ours;
                    }
                    assertEquals(1.0, sum, 1e-5, "row sum, layer " + l + " head " + h + " target " + i);
                }
            }
        }
        System.out.println("cross-attention vs PyTorch: max diff " + worst + ", max weight " + peak);
        assertEquals(0f, worst, tolerance, "max |cross-attention weight difference| vs PyTorch float64");
        float[] avg = maps.headAverage(0);
        for (int j = 0; j < s; j++) {
            float mean = 0;
            for (int h = 0; h < heads; h++) mean += maps.weight(0, h, 0, j) / heads;
            assertEquals(mean, avg[j], 1e-7f);
        }
        return peak;
    }

    private static String join(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
