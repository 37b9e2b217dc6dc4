package jgpt.model;

import jgpt.autograd.Tape;
import jgpt.nn.Linear;
import jgpt.nn.Parameters;
import jgpt.ops.Dropout;
import jgpt.ops.Gelu;
import jgpt.ops.Relu;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;

/** The position-wise feed-forward network: expand to n_inner, activation, project back. */
public final class Mlp {
    final Linear cFc;
    final Linear cProj;
    private final GptConfig cfg;

    Mlp(Parameters p, String prefix, GptConfig cfg) {
        this.cfg = cfg;
        this.cFc = new Linear(p, prefix + ".c_fc", cfg.nEmbd(), cfg.nInner(), cfg.bias());
        this.cProj = new Linear(p, prefix + ".c_proj", cfg.nInner(), cfg.nEmbd(), cfg.bias());
    }

    Tensor forward(Tape tape, Tensor x, Rng rng) {
        Tensor h = cFc.forward(tape, x);                                       // (B, T, 4C)
        h = switch (cfg.activation()) {
            case RELU -> Relu.apply(tape, h);
            case GELU -> Gelu.apply(tape, h, true);
            case GELU_NEW -> Gelu.apply(tape, h, false);
            case SWISH -> jgpt.ops.Silu.apply(tape, h);
        };
        return Dropout.apply(tape, cProj.forward(tape, h), rng == null ? 0f : cfg.dropout(), rng);
    }
}
