package jgpt.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import jgpt.autograd.Tape;
import jgpt.model.Activation;
import jgpt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The KV-cached decoder against full recomputation with {@link MarianModel#decode}, through beam reordering. */
class IncrementalDecoderTest {
    static MarianModel tinyModel() {
        MarianConfig cfg = new MarianConfig(40, 16, 2, 2, 2, 4, 24, 24, Activation.RELU, 32, true, 0f, 0f, 39, 0, 39);
        MarianModel m = MarianModel.create(cfg, 5);
        // larger weights than the 0.02 init, so attention is far from uniform and a cache mix-up shows
        for (int i = 0; i < m.parameters().count(); i++) m.parameters().data()[i] *= 20f;
        jgpt.translate.SinusoidalTable.fill(m.positions);
        return m;
    }

    @Test void cachedStepsEqualFullDecode() {
        MarianModel m = tinyModel();
        int[][] sources = {{5, 9, 3, 0}, {7, 0}, {11, 12, 13, 14, 15, 0}};
        int beams = 2, v = m.config().vocabSize();
        IncrementalDecoder dec = new IncrementalDecoder(m, sources, beams, 8);
        int rows = sources.length * beams;
        int[][] seqs = new int[rows][6];
        int[] next = new int[rows];
        java.util.Arrays.fill(next, 39);
        for (int step = 0; step < 6; step++) {
            for (int r = 0; r < rows; r++) seqs[r][step] = next[r];
            float[] cached = dec.step(next);
            for (int r = 0; r < rows; r++) {
                float[] full = fullLogits(m, sources[r / beams], java.util.Arrays.copyOf(seqs[r], step + 1));
                for (int j = 0; j < v; j++) assertEquals(full[j], cached[r * v + j], 1e-4f, "step " + step + " row " + r + " id " + j);
            }
            // swap the two beams of every source, and continue each with a different token
            int[] parent = new int[rows];
            int[][] moved = new int[rows][];
            for (int r = 0; r < rows; r++) {
                parent[r] = r % 2 == 0 ? r + 1 : r - 1;
                moved[r] = seqs[parent[r]].clone();
                next[r] = 1 + (r * 7 + step * 3) % 30;
            }
            seqs = moved;
            dec.reorder(parent);
        }
    }

    private static float[] fullLogits(MarianModel m, int[] src, int[] dec) {
        Tape tape = new Tape();
        tape.setGradEnabled(false);
        int[] len = {src.length};
        Tensor enc = m.encode(tape, src, 1, src.length, len, null);
        float[] all = m.decode(tape, enc, len, dec, 1, dec.length, null).toArray();
        int v = m.config().vocabSize();
        return java.util.Arrays.copyOfRange(all, (dec.length - 1) * v, dec.length * v);
    }

    /** Batched greedy equals one-at-a-time greedy (padding of the shorter sources must not leak). */
    @Test void batchedGreedyEqualsSingle() {
        MarianModel m = tinyModel();
        int[][] sources = {{5, 9, 3, 0}, {7, 0}, {11, 12, 13, 14, 15, 0}};
        DecodingSettings st = new DecodingSettings(1, 10, 1f, new int[] {39}, -1);
        List<int[]> batched = BeamSearch.translate(m, sources, st);
        for (int i = 0; i < sources.length; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(BeamSearch.translate(m, new int[][] {sources[i]}, st).get(0), batched.get(i));
        }
        DecodingSettings beam = st.withBeams(3);
        List<int[]> beamBatched = BeamSearch.translate(m, sources, beam);
        for (int i = 0; i < sources.length; i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(BeamSearch.translate(m, new int[][] {sources[i]}, beam).get(0), beamBatched.get(i));
        }
    }
}
