package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.AttentionKernel;
import jgpt.kernels.Parallel;
import jgpt.tensor.Rng;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/**
 * Causal multi-head scaled dot-product attention (Vaswani et al. 2017) on a fused qkv projection:
 * qkv [B, T, 3C] -> y [B, T, C], softmax(q kᵀ / sqrt(hd)) v per head with future positions masked.
 * Optional dropout on the attention probabilities (GPT-2's attn_pdrop).
 */
public final class CausalAttention {
    private CausalAttention() {}

    public static Tensor apply(Tape tape, Tensor qkv, int nHead, float dropout, Rng rng) {
        Shape s = qkv.shape();
        int b = s.dim(0), t = s.dim(1), c = s.dim(2) / 3;
        if (s.rank() != 3 || s.dim(2) != 3 * c || c % nHead != 0) {
            throw new IllegalArgumentException("attention expects [B, T, 3C] with C divisible by heads, got " + s);
        }
        Tensor out = tape.output(Shape.of(b, t, c), tape.needsGrad(qkv));
        int pairs = b * nHead;
        float[] att = tape.scratch(pairs * t * t);
        float[] mask = null, dropped = null;
        if (dropout > 0f) {
            mask = tape.scratch(att.length);
            dropped = tape.scratch(att.length);
            Dropout.fillMask(mask, att.length, dropout, rng);
        }
        float[] dropMask = mask, droppedProbs = dropped;
        // (batch, head) pairs are independent: each writes its own rows of att and its own channels of out
        Parallel.parallelFor(pairs, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                AttentionKernel.forward(qkv.data(), qkv.offset(), out.data(), out.offset(), att, dropMask, droppedProbs,
                        bh / nHead, bh % nHead, t, c, nHead);
            }
        });
        if (out.requiresGrad()) {
            int tileScratch = AttentionKernel.TILE * t;
            float[] dp = tape.scratch(pairs * tileScratch);
            tape.record(() -> Parallel.parallelFor(pairs, (from, to) -> {
                for (int bh = from; bh < to; bh++) {
                    AttentionKernel.backward(qkv.data(), qkv.offset(), qkv.grad(), qkv.gradOffset(), out.grad(), out.gradOffset(),
                            att, dropMask, droppedProbs, dp, bh * tileScratch, bh / nHead, bh % nHead, t, c, nHead);
                }
            }));
        }
        return out;
    }
}
