package jgpt.translate;

/**
 * Sees the cross-attention weights an {@link IncrementalDecoder} computes at every step, for inspection (the
 * alignment picture of a translation reads the numbers decoding itself used). Arrays are the decoder's buffers,
 * valid only during the call: copy what you keep.
 */
public interface CrossAttentionObserver {
    /**
     * Head {@code head} of decoder layer {@code layer}, hypothesis row {@code row} at decoder position {@code pos},
     * gave source token j in [0, n) the weight {@code weights[off + j]} (n = that row's source length, padding
     * excluded). Called from the kernel threads, one (row, head) pair per thread at a time, so pairs must be
     * recorded into separate places.
     */
    void crossAttention(int layer, int row, int head, int pos, float[] weights, int off, int n);
}
