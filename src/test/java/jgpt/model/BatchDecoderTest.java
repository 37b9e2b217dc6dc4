package jgpt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * Batched decoding gives each sequence exactly the logits it gets decoded alone (so batching never changes a
 * sampled text), for sequences joining and leaving between steps, prompts longer than a prefill chunk, and
 * every weight format. Shapes are big enough that the matrices take the multi-threaded chunked path.
 */
class BatchDecoderTest {
    private static final GptConfig CFG = GptConfig.of(2, 4, 64, 100, 701, 0f, true);

    @Test void f32() { check(WeightFormat.F32); }

    @Test void bf16() { check(WeightFormat.BF16); }

    @Test void int8() { check(WeightFormat.INT8); }

    private static void check(WeightFormat format) {
        Gpt model = Gpt.create(CFG, 5);
        int v = CFG.vocabSize();
        Rng r = new Rng(9);
        int[][] prompts = {random(r, 3), random(r, 70), random(r, 1), random(r, 9), random(r, 5), random(r, 64)};
        int n = prompts.length;
        Decoder[] alone = new Decoder[n];
        float[][] expected = new float[n][];
        BatchDecoder batch = new BatchDecoder(model, format, 5);
        int[] slotOf = {0, 1, 2, 3, 4, 0}; // the last sequence reuses the first one's slot after it leaves
        float[][] got = new float[n][];
        for (int s = 0; s < n; s++) {
            alone[s] = new Decoder(model, format);
            expected[s] = alone[s].prefill(prompts[s]).clone();
        }
        for (int s = 0; s < 5; s++) got[s] = prefill(batch, slotOf[s], prompts[s]);
        for (int s = 0; s < 5; s++) assertEquals(expected[s], got[s], "prefill of sequence " + s);
        int[] tokens = new int[5], slots = new int[5], members = new int[5];
        for (int step = 0; step < 12; step++) {
            // sequences 0-4 decode together (the batched kernel takes inputs by fours, the fifth goes alone); at step 6
            // sequence 0 leaves and 5 joins in its slot
            if (step == 6) {
                batch.reset(0);
                got[5] = prefill(batch, 0, prompts[5]);
                assertEquals(expected[5], got[5], "prefill of the newcomer");
            }
            int b = 0;
            for (int s = 0; s < n; s++) {
                boolean active = step < 6 ? s < 5 : s > 0;
                if (!active) continue;
                int next = argmax(expected[s]);
                expected[s] = alone[s].next(next).clone();
                tokens[b] = next;
                slots[b] = slotOf[s];
                members[b++] = s;
            }
            float[] logits = batch.step(slots, tokens, b);
            for (int i = 0; i < b; i++) {
                float[] row = java.util.Arrays.copyOfRange(logits, i * v, (i + 1) * v);
                assertEquals(expected[members[i]], row, "step " + step + " sequence " + members[i]);
            }
        }
    }

    private static void assertEquals(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            // bitwise equal: the batched path runs each row through the same kernels as the single decoder
            org.junit.jupiter.api.Assertions.assertEquals(want[i], got[i], 0f, what + " id " + i);
        }
    }

    private static float[] prefill(BatchDecoder d, int slot, int[] prompt) {
        float[] out = null;
        for (int s = 0; s < prompt.length; s += BatchDecoder.CHUNK) out = d.prefill(slot, prompt, s);
        return out.clone();
    }

    private static int[] random(Rng r, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = r.nextInt(CFG.vocabSize());
        return t;
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}
