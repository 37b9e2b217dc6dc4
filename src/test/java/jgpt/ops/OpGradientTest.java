package jgpt.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jgpt.autograd.Tape;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every op's backward against central finite differences. */
class OpGradientTest {
    private final Rng rng = new Rng(7);

    @Test void matmulShared() {
        Tensor a = GradCheck.random(rng, 1, 2, 3, 5), b = GradCheck.random(rng, 1, 5, 4);
        GradCheck.check("matmul", t -> MatMul.apply(t, a, b, false), a, b);
    }

    @Test void matmulSharedTransposed() {
        Tensor a = GradCheck.random(rng, 1, 3, 5), b = GradCheck.random(rng, 1, 7, 5);
        GradCheck.check("matmul^T", t -> MatMul.apply(t, a, b, true), a, b);
    }

    @Test void matmulBatched() {
        Tensor a = GradCheck.random(rng, 1, 2, 3, 4), b = GradCheck.random(rng, 1, 2, 4, 3);
        GradCheck.check("batched matmul", t -> MatMul.apply(t, a, b, false), a, b);
        Tensor c = GradCheck.random(rng, 1, 2, 5, 4);
        GradCheck.check("batched matmul^T", t -> MatMul.apply(t, a, c, true), a, c);
    }

    @Test void linear() {
        Tensor x = GradCheck.random(rng, 1, 2, 3, 4), w = GradCheck.random(rng, 1, 4, 6), b = GradCheck.random(rng, 1, 6);
        GradCheck.check("linear", t -> Linear.apply(t, x, w, b), x, w, b);
        GradCheck.check("linear without bias", t -> Linear.apply(t, x, w, null), x, w);
    }

    @Test void addAndBroadcast() {
        Tensor a = GradCheck.random(rng, 1, 2, 3, 4), b = GradCheck.random(rng, 1, 2, 3, 4), c = GradCheck.random(rng, 1, 3, 4);
        GradCheck.check("add", t -> Add.apply(t, a, b), a, b);
        GradCheck.check("add broadcast", t -> Add.apply(t, a, c), a, c);
    }

    @Test void mulAndBroadcast() {
        Tensor a = GradCheck.random(rng, 1, 2, 5), b = GradCheck.random(rng, 1, 2, 5), c = GradCheck.random(rng, 1, 5);
        GradCheck.check("mul", t -> Mul.apply(t, a, b), a, b);
        GradCheck.check("mul broadcast", t -> Mul.apply(t, a, c), a, c);
    }

    @Test void embedding() {
        Tensor table = GradCheck.random(rng, 1, 5, 3);
        int[] ids = {4, 0, 4, 2, 1, 4};
        GradCheck.check("embedding", t -> Embedding.apply(t, table, ids, 2, 3), table);
    }

    @Test void layerNorm() {
        Tensor x = GradCheck.random(rng, 1, 3, 7), w = GradCheck.random(rng, 1, 7), b = GradCheck.random(rng, 1, 7);
        GradCheck.check("layernorm", t -> LayerNorm.apply(t, x, w, b, 1e-5f), x, w, b);
        GradCheck.check("layernorm without bias", t -> LayerNorm.apply(t, x, w, null, 1e-5f), x, w);
    }

    @Test void gelu() {
        Tensor x = GradCheck.random(rng, 2, 3, 8);
        GradCheck.check("gelu", t -> Gelu.apply(t, x), x);
        GradCheck.check("gelu exact", t -> Gelu.apply(t, x, true), x);
    }

    @Test void relu() {
        Tensor x = GradCheck.random(rng, 1, 3, 8);
        for (int i = 0; i < x.size(); i++) if (Math.abs(x.get(i)) < 0.05f) x.set(i, 0.5f); // keep away from the kink
        GradCheck.check("relu", t -> Relu.apply(t, x), x);
    }

    @Test void softmax() {
        Tensor x = GradCheck.random(rng, 1, 3, 6);
        GradCheck.check("softmax", t -> Softmax.apply(t, x), x);
    }

    @Test void causalAttention() {
        Tensor qkv = GradCheck.random(rng, 1, 2, 5, 3 * 8);
        GradCheck.check("attention", t -> CausalAttention.apply(t, qkv, 2, 0f, null), qkv);
    }

    @Test void causalAttentionWithDropout() {
        Tensor qkv = GradCheck.random(rng, 1, 1, 4, 3 * 4);
        // the same seed each evaluation gives the same mask, so the function is deterministic
        GradCheck.check("attention dropout", t -> CausalAttention.apply(t, qkv, 2, 0.3f, new Rng(5)), qkv);
    }

    @Test void dropout() {
        Tensor x = GradCheck.random(rng, 1, 4, 6);
        GradCheck.check("dropout", t -> Dropout.apply(t, x, 0.4f, new Rng(3)), x);
    }

    @Test void crossEntropy() {
        Tensor logits = GradCheck.random(rng, 1, 2, 3, 7);
        int[] targets = {0, 6, 3, 2, -1, 5};
        GradCheck.check("cross-entropy", t -> CrossEntropy.apply(t, logits, targets), logits);
    }

    @Test void crossEntropyValue() {
        Tensor logits = Tensor.of(jgpt.tensor.Shape.of(1, 3), new float[] {1f, 2f, 3f});
        Tape tape = new Tape();
        float expected = (float) (Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 1);
        assertEquals(expected, CrossEntropy.apply(tape, logits, new int[] {0}).get(0), 1e-6f);
    }

    @Test void dropoutStatistics() {
        Tensor x = Tensor.leaf(jgpt.tensor.Shape.of(100_000), new float[100_000]);
        java.util.Arrays.fill(x.data(), 1f);
        Tensor y = Dropout.apply(new Tape(), x, 0.25f, new Rng(1));
        int zeros = 0;
        double sum = 0;
        for (int i = 0; i < y.size(); i++) {
            if (y.get(i) == 0f) zeros++;
            sum += y.get(i);
        }
        assertEquals(0.25, zeros / 100_000.0, 0.01);
        assertEquals(1.0, sum / 100_000.0, 0.02); // inverted dropout keeps the expectation
    }
}
