package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.AttentionKernel;
import jgpt.kernels.FlashAttentionKernel;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Parallel;
import jgpt.tensor.Rng;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/**
 * Causal multi-head scaled dot-product attention (Vaswani et al. 2017) on a fused qkv projection:
 * qkv [B, T, 3C] -> y [B, T, C], softmax(q kᵀ / sqrt(hd)) v per head with future positions masked.
 * Optional dropout on the attention probabilities (GPT-2's attn_pdrop).
 * Two kernels compute the same function: {@link AttentionKernel} stores the [B, nh, T, T] probabilities for
 * the backward pass, {@link FlashAttentionKernel} stores only [B, nh, T] log-sum-exps and recomputes them.
 */
public final class CausalAttention {
    private CausalAttention() {}

    /**
     * Sequence length from which the flash kernel is used (see {@link #useFlash}). Forward + backward, one thread,
     * B*nh = 48 pairs, hd = 64, thread CPU time (jgpt.jmh.AttentionCpuTime), stored vs flash: T = 64: 4.9 vs 4.8 ms,
     * 128: 11.9 vs 14.0 ms, 256: 34.5 vs 36.4 ms (medians 41.3 vs 40.3), 1024: 404 vs 365 ms. Below 256 storing the
     * probabilities is as fast or faster and they are small (3 MB per layer at T = 128); from 256 flash is as fast
     * or faster and saves B*nh*T² floats per layer (13 MB at 256, 201 MB at 1024).
     */
    public static final int FLASH_MIN_T = 256;

    public static Tensor apply(Tape tape, Tensor qkv, int nHead, float dropout, Rng rng) {
        Shape s = qkv.shape();
        int b = s.dim(0), t = s.dim(1), c = s.dim(2) / 3;
        if (s.rank() != 3 || s.dim(2) != 3 * c || c % nHead != 0) {
            throw new IllegalArgumentException("attention expects [B, T, 3C] with C divisible by heads, got " + s);
        }
        return useFlash(t, dropout) ? flash(tape, qkv, nHead) : storedProbabilities(tape, qkv, nHead, dropout, rng);
    }

    /**
     * Dropout keeps the stored-probability kernel: its mask is drawn from the sequential Rng stream over the whole
     * [B, nh, T, T] layout (and is itself T² floats), so regenerating it per tile would change the random stream
     * that exact resume and earlier runs rely on.
     */
    static boolean useFlash(int t, float dropout) {
        return dropout == 0f && t >= FLASH_MIN_T;
    }

    /** The flash path (no dropout), whatever the sequence length; shapes as checked by {@link #apply}. */
    static Tensor flash(Tape tape, Tensor qkv, int nHead) {
        int b = qkv.shape().dim(0), t = qkv.shape().dim(1), c = qkv.shape().dim(2) / 3;
        Tensor out = tape.output(Shape.of(b, t, c), tape.needsGrad(qkv));
        int pairs = b * nHead, parts = Math.min(pairs, Parallel.threads()), scratch = FlashAttentionKernel.SCRATCH;
        float[] lse = tape.scratch(pairs * t);
        // one scratch slice per part: a part's pairs run one after another on one thread, parts never share a slice
        float[] work = tape.scratch(parts * scratch);
        IntRangeBody forward = (from, to) -> {
            for (int part = from; part < to; part++) {
                for (int bh = pairs * part / parts, end = pairs * (part + 1) / parts; bh < end; bh++) {
                    FlashAttentionKernel.forward(qkv.data(), qkv.offset(), out.data(), out.offset(), lse, work, part * scratch,
                            bh / nHead, bh % nHead, t, c, nHead);
                }
            }
        };
        tape.forward(() -> Parallel.parallelFor(parts, forward));
        if (out.requiresGrad()) {
            IntRangeBody backward = (from, to) -> {
                for (int part = from; part < to; part++) {
                    for (int bh = pairs * part / parts, end = pairs * (part + 1) / parts; bh < end; bh++) {
                        FlashAttentionKernel.backward(qkv.data(), qkv.offset(), out.data(), out.offset(), lse,
                                qkv.grad(), qkv.gradOffset(), out.grad(), out.gradOffset(), work, part * scratch,
                                bh / nHead, bh % nHead, t, c, nHead);
                    }
                }
            };
            tape.record(() -> Parallel.parallelFor(parts, backward));
        }
        return out;
    }

    /** The stored-probability path, whatever the sequence length; shapes as checked by {@link #apply}. */
    static Tensor storedProbabilities(Tape tape, Tensor qkv, int nHead, float dropout, Rng rng) {
        int b = qkv.shape().dim(0), t = qkv.shape().dim(1), c = qkv.shape().dim(2) / 3;
        Tensor out = tape.output(Shape.of(b, t, c), tape.needsGrad(qkv));
        int pairs = b * nHead;
        float[] att = tape.scratch(pairs * t * t);
        float[] dropMask = dropout > 0f ? tape.scratch(att.length) : null;
        float[] droppedProbs = dropout > 0f ? tape.scratch(att.length) : null;
        // (batch, head) pairs are independent: each writes its own rows of att and its own channels of out
        IntRangeBody forward = (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                AttentionKernel.forward(qkv.data(), qkv.offset(), out.data(), out.offset(), att, dropMask, droppedProbs,
                        bh / nHead, bh % nHead, t, c, nHead);
            }
        };
        tape.forward(() -> {
            if (dropMask != null) Dropout.fillMask(dropMask, att.length, dropout, rng);
            Parallel.parallelFor(pairs, forward);
        });
        if (out.requiresGrad()) {
            int tileScratch = AttentionKernel.TILE * t;
            float[] dp = tape.scratch(pairs * tileScratch);
            IntRangeBody backward = (from, to) -> {
                for (int bh = from; bh < to; bh++) {
                    AttentionKernel.backward(qkv.data(), qkv.offset(), qkv.grad(), qkv.gradOffset(), out.grad(), out.gradOffset(),
                            att, dropMask, droppedProbs, dp, bh * tileScratch, bh / nHead, bh % nHead, t, c, nHead);
                }
            };
            tape.record(() -> Parallel.parallelFor(pairs, backward));
        }
        return out;
    }
}
