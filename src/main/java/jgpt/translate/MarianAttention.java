package jgpt.translate;

import jgpt.autograd.Tape;
import jgpt.nn.Parameters;
import jgpt.nn.TorchLinear;
import jgpt.ops.Attention;
import jgpt.tensor.Tensor;

/**
 * Multi-head attention with separate q, k, v and output projections (HF MarianAttention): self-attention when
 * queries and keys come from the same sequence, cross-attention when the keys and values are the encoder's output.
 */
public final class MarianAttention {
    final TorchLinear q, k, v, out;
    final int heads;

    MarianAttention(Parameters p, String prefix, int dModel, int heads) {
        this.q = new TorchLinear(p, prefix + ".q_proj", dModel, dModel);
        this.k = new TorchLinear(p, prefix + ".k_proj", dModel, dModel);
        this.v = new TorchLinear(p, prefix + ".v_proj", dModel, dModel);
        this.out = new TorchLinear(p, prefix + ".out_proj", dModel, dModel);
        this.heads = heads;
    }

    /** x [B, T, C] attends to kv [B, S, C] (keys past keyLengths[b] masked; null: none) -> [B, T, C]. */
    Tensor forward(Tape tape, Tensor x, Tensor kv, int[] keyLengths, boolean causal) {
        Tensor y = Attention.apply(tape, q.forward(tape, x), k.forward(tape, kv), v.forward(tape, kv), heads, keyLengths, causal);
        return out.forward(tape, y);
    }
}
