package jgpt.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jgpt.autograd.Tape;
import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * Every decoder path (fp32 token by token, prefill, bf16, int8) against the full forward pass, on configs with
 * and without bias, GELU/ReLU, learned/sinusoidal positions, widths that leave vector and int8-block tails,
 * contexts longer than one prefill chunk, and a vocabulary large enough to split the logits across threads.
 * <p>
 * Tolerances are relative to the largest |logit| of the position. fp32: 1e-4 (only summation order differs).
 * bf16 rounds each weight with relative error <= 2^-9 (rms ~0.11%); int8 with blocks of 64 has an absolute
 * error <= absmax/254 per weight, rms ~0.5% of the weights' scale for Gaussian weights, about 5x bf16. Errors of
 * independent weights partly cancel in dot products, and measured worst cases here are 0.27% (bf16) and 1.2%
 * (int8); the limits 1% and 4% leave room without letting a wrong kernel (errors of order 100%) pass.
 */
class DecoderPathsTest {
    private static final GptConfig[] CONFIGS = {
        GptConfig.of(2, 4, 64, 80, 37, 0f, true),
        GptConfig.of(2, 3, 48, 70, 29, 0f, false).with(Activation.RELU, PositionalEncoding.SINUSOIDAL),
        GptConfig.of(1, 2, 128, 20, 1000, 0f, true).with(Activation.GELU_NEW, PositionalEncoding.SINUSOIDAL),
    };

    @Test void f32TokenByToken() { for (GptConfig c : CONFIGS) tokenByToken(c, WeightFormat.F32, 1e-4); }

    @Test void bf16TokenByToken() { for (GptConfig c : CONFIGS) tokenByToken(c, WeightFormat.BF16, 1e-2); }

    @Test void int8TokenByToken() { for (GptConfig c : CONFIGS) tokenByToken(c, WeightFormat.INT8, 4e-2); }

    @Test void f32Prefill() { for (GptConfig c : CONFIGS) prefill(c, WeightFormat.F32, 1e-4); }

    @Test void bf16Prefill() { for (GptConfig c : CONFIGS) prefill(c, WeightFormat.BF16, 1e-2); }

    @Test void int8Prefill() { for (GptConfig c : CONFIGS) prefill(c, WeightFormat.INT8, 4e-2); }

    @Test void prefillChecksItsInput() {
        Gpt m = Gpt.create(CONFIGS[2], 1);
        Decoder d = new Decoder(m);
        assertThrows(IllegalArgumentException.class, () -> d.prefill(new int[0]));
        assertThrows(IllegalStateException.class, () -> d.prefill(new int[21]));
        assertThrows(IndexOutOfBoundsException.class, () -> d.prefill(new int[] {1, 1000}));
        d.prefill(new int[20]);
        assertThrows(IllegalStateException.class, () -> d.next(0));
    }

    /**
     * Quantised formats prefill token by token, so their prefill equals their own next() (up to lane-reduction
     * order, which differs between the interpreted and the compiled Vector API).
     */
    @Test void quantisedPrefillEqualsNext() {
        GptConfig cfg = CONFIGS[0];
        Gpt m = Gpt.create(cfg, 4);
        int[] t = tokens(cfg, 9);
        for (WeightFormat f : new WeightFormat[] {WeightFormat.BF16, WeightFormat.INT8}) {
            Decoder a = new Decoder(m, f), b = new Decoder(m, f);
            float[] viaPrefill = a.prefill(t).clone();
            float[] viaNext = null;
            for (int tok : t) viaNext = b.next(tok);
            assertArrayEquals(viaNext, viaPrefill, 1e-6f);
        }
    }

    private static int[] tokens(GptConfig cfg, long seed) {
        Rng r = new Rng(seed);
        int[] t = new int[cfg.blockSize()];
        for (int i = 0; i < t.length; i++) t[i] = r.nextInt(cfg.vocabSize());
        return t;
    }

    private static float[] forward(Gpt m, int[] t) {
        Tape tape = new Tape();
        tape.setGradEnabled(false);
        return m.forward(tape, t, 1, t.length, null).toArray();
    }

    private static void tokenByToken(GptConfig cfg, WeightFormat f, double tol) {
        Gpt m = Gpt.create(cfg, 11);
        int[] t = tokens(cfg, 3);
        float[] full = forward(m, t);
        Decoder d = new Decoder(m, f);
        for (int pos = 0; pos < t.length; pos++) close(full, pos, d.next(t[pos]), cfg, tol, f + " next");
        d.reset();
        close(full, 0, d.next(t[0]), cfg, tol, f + " after reset");
    }

    /** Prefill in two calls (the first longer than a chunk when the context allows), then continue token by token. */
    private static void prefill(GptConfig cfg, WeightFormat f, double tol) {
        Gpt m = Gpt.create(cfg, 12);
        int[] t = tokens(cfg, 5);
        float[] full = forward(m, t);
        int p1 = Math.min(t.length - 4, Decoder.PREFILL_CHUNK + 3), p2 = p1 + 2;
        Decoder d = new Decoder(m, f);
        close(full, p1 - 1, d.prefill(java.util.Arrays.copyOfRange(t, 0, p1)), cfg, tol, f + " prefill");
        close(full, p2 - 1, d.prefill(java.util.Arrays.copyOfRange(t, p1, p2)), cfg, tol, f + " second prefill");
        for (int pos = p2; pos < t.length; pos++) close(full, pos, d.next(t[pos]), cfg, tol, f + " next after prefill");
    }

    private static void close(float[] full, int pos, float[] logits, GptConfig cfg, double tol, String what) {
        int v = cfg.vocabSize();
        float scale = 0f;
        for (int i = 0; i < v; i++) scale = Math.max(scale, Math.abs(full[pos * v + i]));
        double worst = 0;
        for (int i = 0; i < v; i++) worst = Math.max(worst, Math.abs(full[pos * v + i] - logits[i]) / scale);
        if (System.getProperty("decoder.errors") != null) System.out.printf("%s %s pos %d rel err %.2e%n", cfg, what, pos, worst);
        assertTrue(worst <= tol, what + " position " + pos + ": relative error " + worst + " > " + tol + " (" + cfg + ")");
    }
}
