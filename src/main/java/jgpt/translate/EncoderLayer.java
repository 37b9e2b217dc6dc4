package jgpt.translate;

import jgpt.autograd.Tape;
import jgpt.nn.LayerNorm;
import jgpt.nn.Parameters;
import jgpt.ops.Add;
import jgpt.ops.Dropout;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;

/** A post-LayerNorm encoder layer: x = LN(x + SelfAttn(x)); x = LN(x + FFN(x)), padded keys masked. */
public final class EncoderLayer {
    final MarianAttention selfAttn;
    final LayerNorm selfAttnNorm;
    final FeedForward ffn;
    final LayerNorm finalNorm;
    private final float dropout;

    EncoderLayer(Parameters p, String prefix, MarianConfig cfg) {
        selfAttn = new MarianAttention(p, prefix + ".self_attn", cfg.dModel(), cfg.encoderHeads());
        selfAttnNorm = new LayerNorm(p, prefix + ".self_attn_layer_norm", cfg.dModel(), true, MarianConfig.LAYER_NORM_EPS);
        ffn = new FeedForward(p, prefix, cfg.dModel(), cfg.encoderFfn(), cfg.activation(), cfg.activationDropout());
        finalNorm = new LayerNorm(p, prefix + ".final_layer_norm", cfg.dModel(), true, MarianConfig.LAYER_NORM_EPS);
        dropout = cfg.dropout();
    }

    Tensor forward(Tape tape, Tensor x, int[] sourceLengths, Rng rng) {
        float p = rng == null ? 0f : dropout;
        x = selfAttnNorm.forward(tape, Add.apply(tape, x, Dropout.apply(tape, selfAttn.forward(tape, x, x, sourceLengths, false), p, rng)));
        return finalNorm.forward(tape, Add.apply(tape, x, Dropout.apply(tape, ffn.forward(tape, x, rng), p, rng)));
    }
}
