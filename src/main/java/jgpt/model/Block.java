package jgpt.model;

import jgpt.autograd.Tape;
import jgpt.nn.LayerNorm;
import jgpt.nn.Parameters;
import jgpt.ops.Add;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;

/** A pre-LayerNorm transformer block: two residual branches. */
public final class Block {
    final LayerNorm ln1;
    final CausalSelfAttention attn;
    final LayerNorm ln2;
    final Mlp mlp;

    Block(Parameters p, String prefix, GptConfig cfg) {
        ln1 = new LayerNorm(p, prefix + ".ln_1", cfg.nEmbd(), cfg.bias(), cfg.layerNormEps());
        attn = new CausalSelfAttention(p, prefix + ".attn", cfg);
        ln2 = new LayerNorm(p, prefix + ".ln_2", cfg.nEmbd(), cfg.bias(), cfg.layerNormEps());
        mlp = new Mlp(p, prefix + ".mlp", cfg);
    }

    Tensor forward(Tape tape, Tensor x, Rng rng) {
        x = Add.apply(tape, x, attn.forward(tape, ln1.forward(tape, x), rng));
        x = Add.apply(tape, x, mlp.forward(tape, ln2.forward(tape, x), rng));
        return x;
    }
}
