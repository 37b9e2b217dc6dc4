package jgpt.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import jgpt.autograd.Tape;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The flash and stored-probability attention paths through the op: gradients, agreement, determinism. */
class CausalAttentionPathsTest {
    private final Rng rng = new Rng(11);

    @Test void flashGradientMatchesFiniteDifferences() {
        for (int t : new int[] {1, 5, 33, 70}) {
            Tensor qkv = GradCheck.random(rng, 1, 2, t, 3 * 8);
            GradCheck.check("flash attention t=" + t, tape -> CausalAttention.flash(tape, qkv, 2), qkv);
        }
    }

    @Test void flashGradientAcrossKeyTiles() {
        // longer than one key tile, so the online softmax rescales rows; one tiny head keeps the check quick
        Tensor qkv = GradCheck.random(rng, 1, 1, jgpt.kernels.FlashAttentionKernel.KEY_TILE + 17, 3 * 2);
        GradCheck.check("flash attention, two key tiles", tape -> CausalAttention.flash(tape, qkv, 1), qkv);
    }

    @Test void pathsAgreeOnOutputAndGradient() {
        // more pairs than threads, so pairs run concurrently and each must use its own scratch
        for (int[] shape : new int[][] {{3, 130, 16, 4}, {2, 33, 64, 3}, {1, 70, 8, 5}, {2, 401, 16, 3}}) {
            int b = shape[0], t = shape[1], hd = shape[2], nh = shape[3];
            Tensor qkv = GradCheck.random(rng, 1, b, t, 3 * hd * nh);
            float[][] flash = run(qkv, tape -> CausalAttention.flash(tape, qkv, nh));
            float[][] stored = run(qkv, tape -> CausalAttention.storedProbabilities(tape, qkv, nh, 0f, null));
            assertClose(stored[0], flash[0], 1e-5f, "out t=" + t);
            assertClose(stored[1], flash[1], 1e-5f, "dqkv t=" + t);
            float[][] again = run(qkv, tape -> CausalAttention.flash(tape, qkv, nh));
            assertArrayEquals(flash[0], again[0], "flash out repeats bit for bit");
            assertArrayEquals(flash[1], again[1], "flash dqkv repeats bit for bit");
        }
    }

    @Test void dropoutKeepsStoredProbabilities() {
        assertFalse(CausalAttention.useFlash(1 << 20, 0.1f));
        assertTrue(CausalAttention.useFlash(CausalAttention.FLASH_MIN_T, 0f));
    }

    static void assertClose(float[] expected, float[] actual, float tol, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol * Math.max(1f, Math.abs(expected[i])))) {
                throw new AssertionError(what + "[" + i + "]: " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    /** Output and d(sum(out * w))/d(qkv) for a fixed weighting w. */
    private static float[][] run(Tensor qkv, Function<Tape, Tensor> f) {
        java.util.Arrays.fill(qkv.grad(), qkv.gradOffset(), qkv.gradOffset() + qkv.size(), 0f);
        Tape tape = new Tape();
        Tensor out = f.apply(tape);
        Rng r = new Rng(3);
        float[] w = new float[out.size()];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        tape.backward(Sum.weighted(tape, out, Tensor.of(out.shape(), w)));
        return new float[][] {out.toArray(), qkv.gradToArray()};
    }
}
