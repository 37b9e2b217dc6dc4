package jgpt.model;

/**
 * Sees a {@link Decoder}'s intermediate values as they are computed, for inspection: attention maps and the
 * logit lens read the numbers generation itself uses instead of recomputing the model. Arrays are the
 * decoder's buffers, valid only during the call: copy what you keep.
 */
public interface DecodeObserver {
    /**
     * Head {@code head} of {@code layer} at query position {@code pos} gave position j in [0, n) the weight
     * {@code numerators[off + j] * inv} (n = pos + 1: causal). Called from the kernel threads, one head per
     * thread at a time, so heads must be recorded into separate places.
     */
    default void attention(int layer, int head, int pos, float[] numerators, int off, int n, float inv) {}

    /** The residual stream at {@code pos} after block {@code layer}: {@code x[off, +C)}. */
    default void residual(int layer, int pos, float[] x, int off) {}
}
