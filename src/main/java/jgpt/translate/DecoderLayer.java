package jgpt.translate;

import jgpt.autograd.Tape;
import jgpt.nn.LayerNorm;
import jgpt.nn.Parameters;
import jgpt.ops.Add;
import jgpt.ops.Dropout;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;

/**
 * A post-LayerNorm decoder layer: causal self-attention, cross-attention to the encoder output (padded source
 * positions masked), feed-forward; each residual branch followed by its LayerNorm.
 */
public final class DecoderLayer {
    final MarianAttention selfAttn;
    final LayerNorm selfAttnNorm;
    final MarianAttention crossAttn;
    final LayerNorm crossAttnNorm;
    final FeedForward ffn;
    final LayerNorm finalNorm;
    private final float dropout;

    DecoderLayer(Parameters p, String prefix, MarianConfig cfg) {
        selfAttn = new MarianAttention(p, prefix + ".self_attn", cfg.dModel(), cfg.decoderHeads());
        selfAttnNorm = new LayerNorm(p, prefix + ".self_attn_layer_norm", cfg.dModel(), true, MarianConfig.LAYER_NORM_EPS);
        crossAttn = new MarianAttention(p, prefix + ".encoder_attn", cfg.dModel(), cfg.decoderHeads());
        crossAttnNorm = new LayerNorm(p, prefix + ".encoder_attn_layer_norm", cfg.dModel(), true, MarianConfig.LAYER_NORM_EPS);
        ffn = new FeedForward(p, prefix, cfg.dModel(), cfg.decoderFfn(), cfg.activation(), cfg.activationDropout());
        finalNorm = new LayerNorm(p, prefix + ".final_layer_norm", cfg.dModel(), true, MarianConfig.LAYER_NORM_EPS);
        dropout = cfg.dropout();
    }

    Tensor forward(Tape tape, Tensor y, Tensor enc, int[] sourceLengths, Rng rng) {
        float p = rng == null ? 0f : dropout;
        y = selfAttnNorm.forward(tape, Add.apply(tape, y, Dropout.apply(tape, selfAttn.forward(tape, y, y, null, true), p, rng)));
        y = crossAttnNorm.forward(tape, Add.apply(tape, y, Dropout.apply(tape, crossAttn.forward(tape, y, enc, sourceLengths, false), p, rng)));
        return finalNorm.forward(tape, Add.apply(tape, y, Dropout.apply(tape, ffn.forward(tape, y, rng), p, rng)));
    }
}
