package jgpt.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jgpt.autograd.Tape;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The KV-cached decoder computes the same logits as the full forward pass, for every config variant. */
class DecoderTest {
    @Test void geluLearnedBias() { check(GptConfig.of(2, 2, 16, 12, 13, 0f, true)); }

    @Test void exactGelu() { check(GptConfig.of(1, 2, 16, 8, 13, 0f, true).with(Activation.GELU, PositionalEncoding.LEARNED)); }

    @Test void reluSinusoidalNoBias() {
        check(GptConfig.of(2, 4, 16, 12, 13, 0f, false).with(Activation.RELU, PositionalEncoding.SINUSOIDAL));
    }

    private static void check(GptConfig cfg) {
        Gpt model = Gpt.create(cfg, 11);
        Rng r = new Rng(3);
        int t = cfg.blockSize();
        int[] tokens = new int[t];
        for (int i = 0; i < t; i++) tokens[i] = r.nextInt(cfg.vocabSize());
        Tape tape = new Tape();
        tape.setGradEnabled(false);
        Tensor full = model.forward(tape, tokens, 1, t, null);
        Decoder d = new Decoder(model);
        for (int pos = 0; pos < t; pos++) {
            float[] logits = d.next(tokens[pos]);
            for (int v = 0; v < cfg.vocabSize(); v++) {
                assertEquals(full.get(pos * cfg.vocabSize() + v), logits[v], 1e-5f, "position " + pos + " id " + v);
            }
        }
    }

    @Test
    void sinusoidalTableFollowsVaswani() {
        Gpt m = new Gpt(GptConfig.of(1, 1, 4, 3, 5, 0f, true).with(Activation.GELU_NEW, PositionalEncoding.SINUSOIDAL));
        assertEquals(Math.sin(2), m.wpe.get(2, 0), 1e-6);
        assertEquals(Math.cos(2), m.wpe.get(2, 1), 1e-6);
        assertEquals(Math.sin(2 / 100.0), m.wpe.get(2, 2), 1e-6);
        assertEquals(Math.cos(2 / 100.0), m.wpe.get(2, 3), 1e-6);
    }
}
