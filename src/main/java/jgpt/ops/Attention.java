package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.FlashAttentionKernel;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Parallel;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/**
 * Multi-head scaled dot-product attention on separate query, key and value activations, the form an
 * encoder-decoder needs: q [B, T, C] against k, v [B, S, C] -> [B, T, C]. Causal (decoder self-attention, S = T)
 * or not (encoder self-attention, cross-attention); keys at positions >= keyLengths[b] are padding and get
 * probability exactly 0 (HF's attention_mask for right-padded rows). The same flash kernel as
 * {@link CausalAttention}, in its general form; no dropout on the probabilities (Marian's attention_dropout is 0).
 */
public final class Attention {
    private Attention() {}

    /** {@code keyLengths} (read on every run, so a captured step may refill it) may be null: every key is real. */
    public static Tensor apply(Tape tape, Tensor q, Tensor k, Tensor v, int nHead, int[] keyLengths, boolean causal) {
        Shape qs = q.shape(), ks = k.shape();
        int b = qs.dim(0), t = qs.dim(1), c = qs.dim(2), s = ks.dim(1);
        if (qs.rank() != 3 || ks.rank() != 3 || !ks.equals(v.shape()) || ks.dim(0) != b || ks.dim(2) != c || c % nHead != 0) {
            throw new IllegalArgumentException("attention expects q [B, T, C], k = v [B, S, C] with C divisible by heads, got "
                    + qs + ", " + ks + ", " + v.shape());
        }
        if (causal && s != t) throw new IllegalArgumentException("causal attention needs as many keys as queries");
        if (keyLengths != null && keyLengths.length != b) throw new IllegalArgumentException(keyLengths.length + " key lengths for " + b + " rows");
        int hd = c / nHead, pairs = b * nHead, parts = Math.min(pairs, Parallel.threads()), scratch = FlashAttentionKernel.SCRATCH;
        Tensor out = tape.output(Shape.of(b, t, c), tape.needsGrad(q, k, v));
        float[] lse = tape.scratch(pairs * t);
        float[] work = tape.scratch(parts * scratch); // one slice per part: a part's pairs run in turn on one thread
        IntRangeBody forward = (from, to) -> {
            for (int part = from; part < to; part++) {
                for (int bh = pairs * part / parts, end = pairs * (part + 1) / parts; bh < end; bh++) {
                    int row = bh / nHead, h = bh % nHead, head = h * hd;
                    FlashAttentionKernel.forward(q.data(), q.offset() + row * t * c + head, c,
                            k.data(), k.offset() + row * s * c + head, c, v.data(), v.offset() + row * s * c + head, c,
                            out.data(), out.offset() + row * t * c + head, c, lse, bh * t, work, part * scratch,
                            t, keyLength(keyLengths, row, s), causal, hd);
                }
            }
        };
        tape.forward(() -> Parallel.parallelFor(parts, forward));
        if (out.requiresGrad()) {
            // inputs without gradients get a throwaway buffer: the kernel always accumulates all three
            float[] dqa = q.requiresGrad() ? q.grad() : tape.scratch(q.size()), dka = k.requiresGrad() ? k.grad() : tape.scratch(k.size());
            float[] dva = v.requiresGrad() ? v.grad() : tape.scratch(v.size());
            int dqo = q.requiresGrad() ? q.gradOffset() : 0, dko = k.requiresGrad() ? k.gradOffset() : 0, dvo = v.requiresGrad() ? v.gradOffset() : 0;
            IntRangeBody backward = (from, to) -> {
                for (int part = from; part < to; part++) {
                    for (int bh = pairs * part / parts, end = pairs * (part + 1) / parts; bh < end; bh++) {
                        int row = bh / nHead, h = bh % nHead, head = h * hd, qr = row * t * c + head, kr = row * s * c + head;
                        FlashAttentionKernel.backward(q.data(), q.offset() + qr, c, k.data(), k.offset() + kr, c,
                                v.data(), v.offset() + kr, c, dqa, dqo + qr, dka, dko + kr, dva, dvo + kr,
                                out.data(), out.offset() + qr, out.grad(), out.gradOffset() + qr, c, lse, bh * t,
                                work, part * scratch, t, keyLength(keyLengths, row, s), causal, hd);
                    }
                }
            };
            tape.record(() -> Parallel.parallelFor(parts, backward));
        }
        return out;
    }

    private static int keyLength(int[] keyLengths, int row, int s) {
        if (keyLengths == null) return s;
        int n = keyLengths[row];
        if (n < 1 || n > s) throw new IllegalArgumentException("key length " + n + " of row " + row + " outside [1, " + s + "]");
        return n;
    }
}
