package jgpt.ops;

import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The encoder-decoder ops' backward passes against central finite differences. */
class EncoderDecoderGradientTest {
    private final Rng rng = new Rng(11);

    /** Decoder queries (T = 4) against encoder keys and values (S = 6), row 1 with two padded source positions. */
    @Test void crossAttention() {
        Tensor q = GradCheck.random(rng, 1, 2, 4, 8), k = GradCheck.random(rng, 1, 2, 6, 8), v = GradCheck.random(rng, 1, 2, 6, 8);
        int[] lengths = {6, 4};
        GradCheck.check("cross-attention", t -> Attention.apply(t, q, k, v, 2, lengths, false), q, k, v);
    }

    /** Encoder self-attention: not causal, padded keys masked (their rows are still computed). */
    @Test void paddedEncoderSelfAttention() {
        Tensor x = GradCheck.random(rng, 1, 2, 5, 8);
        int[] lengths = {3, 5};
        GradCheck.check("padded self-attention", t -> Attention.apply(t, x, x, x, 2, lengths, false), x);
        Tensor q = GradCheck.random(rng, 1, 2, 5, 8), k = GradCheck.random(rng, 1, 2, 5, 8), v = GradCheck.random(rng, 1, 2, 5, 8);
        GradCheck.check("padded self-attention, separate q k v", t -> Attention.apply(t, q, k, v, 4, lengths, false), q, k, v);
    }

    @Test void causalSelfAttentionOnSeparateProjections() {
        Tensor q = GradCheck.random(rng, 1, 2, 5, 8), k = GradCheck.random(rng, 1, 2, 5, 8), v = GradCheck.random(rng, 1, 2, 5, 8);
        GradCheck.check("causal attention, separate q k v", t -> Attention.apply(t, q, k, v, 2, null, true), q, k, v);
    }

    @Test void torchLayoutLinear() {
        Tensor x = GradCheck.random(rng, 1, 2, 3, 4), w = GradCheck.random(rng, 1, 6, 4), b = GradCheck.random(rng, 1, 6);
        GradCheck.check("linear [out, in]", t -> Linear.applyTransposed(t, x, w, b), x, w, b);
    }

    @Test void silu() {
        Tensor x = GradCheck.random(rng, 2, 3, 8);
        GradCheck.check("silu", t -> Silu.apply(t, x), x);
    }

    /** padding_idx: lookups of the pad id pass no gradient; the finite difference of the pad row sees them, so compare by hand. */
    @Test void embeddingWithPadding() {
        Tensor table = GradCheck.random(rng, 1, 5, 3);
        int[] ids = {4, 0, 4, 2, 1, 4};
        jgpt.autograd.Tape tape = new jgpt.autograd.Tape();
        Tensor out = Embedding.withPadding(tape, table, ids, 4, 2, 3);
        Tensor w = GradCheck.random(rng, 1, 2, 3, 3);
        tape.backward(Sum.weighted(tape, out, w));
        for (int row = 0; row < 5; row++) {
            for (int i = 0; i < 3; i++) {
                double want = 0;
                for (int n = 0; n < ids.length; n++) if (ids[n] == row && row != 4) want += w.get(n * 3 + i);
                org.junit.jupiter.api.Assertions.assertEquals(want, table.gradAt(row * 3 + i), 1e-6, "row " + row);
            }
        }
    }

    /** Label smoothing: value against the formula written out, gradient against finite differences. */
    @Test void labelSmoothedCrossEntropy() {
        Tensor logits = GradCheck.random(rng, 2, 2, 3, 7);
        int[] targets = {3, -1, 0, 6, 2, -1};
        float eps = 0.1f;
        GradCheck.check("label-smoothed cross-entropy", t -> CrossEntropy.apply(t, logits, targets, eps), logits);
        double want = 0;
        int kept = 0;
        for (int r = 0; r < 6; r++) {
            if (targets[r] < 0) continue;
            double max = Double.NEGATIVE_INFINITY, sum = 0, mean = 0;
            for (int j = 0; j < 7; j++) max = Math.max(max, logits.get(r * 7 + j));
            for (int j = 0; j < 7; j++) {
                sum += Math.exp(logits.get(r * 7 + j) - max);
                mean += logits.get(r * 7 + j) / 7.0;
            }
            double lse = max + Math.log(sum);
            want += lse - (1 - eps) * logits.get(r * 7 + targets[r]) - eps * mean;
            kept++;
        }
        jgpt.autograd.Tape tape = new jgpt.autograd.Tape();
        tape.setGradEnabled(false);
        org.junit.jupiter.api.Assertions.assertEquals(want / kept, CrossEntropy.apply(tape, logits, targets, eps).get(0), 1e-5);
    }
}
