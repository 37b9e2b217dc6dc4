package jgpt.translate;

import jgpt.autograd.Tape;
import jgpt.model.Activation;
import jgpt.nn.Parameters;
import jgpt.nn.TorchLinear;
import jgpt.ops.Dropout;
import jgpt.ops.Gelu;
import jgpt.ops.Relu;
import jgpt.ops.Silu;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;

/** The position-wise feed-forward network of a Marian layer: fc2(dropout(act(fc1(x)))). */
final class FeedForward {
    final TorchLinear fc1, fc2;
    private final Activation activation;
    private final float activationDropout;

    FeedForward(Parameters p, String prefix, int dModel, int ffn, Activation activation, float activationDropout) {
        this.fc1 = new TorchLinear(p, prefix + ".fc1", dModel, ffn);
        this.fc2 = new TorchLinear(p, prefix + ".fc2", ffn, dModel);
        this.activation = activation;
        this.activationDropout = activationDropout;
    }

    Tensor forward(Tape tape, Tensor x, Rng rng) {
        Tensor h = fc1.forward(tape, x);
        h = switch (activation) {
            case RELU -> Relu.apply(tape, h);
            case GELU -> Gelu.apply(tape, h, true);
            case GELU_NEW -> Gelu.apply(tape, h, false);
            case SWISH -> Silu.apply(tape, h);
        };
        return fc2.forward(tape, Dropout.apply(tape, h, rng == null ? 0f : activationDropout, rng));
    }
}
