package jgpt.model;

import jgpt.autograd.Tape;
import jgpt.nn.Linear;
import jgpt.nn.Parameters;
import jgpt.ops.CausalAttention;
import jgpt.ops.Dropout;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;

/** Multi-head causal self-attention: one fused q,k,v projection, attention per head, output projection. */
public final class CausalSelfAttention {
    final Linear cAttn;
    final Linear cProj;
    private final GptConfig cfg;

    CausalSelfAttention(Parameters p, String prefix, GptConfig cfg) {
        this.cfg = cfg;
        this.cAttn = new Linear(p, prefix + ".c_attn", cfg.nEmbd(), 3 * cfg.nEmbd(), cfg.bias());
        this.cProj = new Linear(p, prefix + ".c_proj", cfg.nEmbd(), cfg.nEmbd(), cfg.bias());
    }

    /** x [B, T, C] -> [B, T, C]; rng is null in evaluation (no dropout). */
    Tensor forward(Tape tape, Tensor x, Rng rng) {
        float p = rng == null ? 0f : cfg.dropout();
        Tensor qkv = cAttn.forward(tape, x);                                   // (B, T, 3C)
        Tensor y = CausalAttention.apply(tape, qkv, cfg.nHead(), p, rng);      // (B, T, C)
        return Dropout.apply(tape, cProj.forward(tape, y), p, rng);
    }
}
