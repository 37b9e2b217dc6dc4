package jgpt.nn;

import jgpt.autograd.Tape;
import jgpt.tensor.Rng;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/** A PyTorch nn.Linear: weight [out, in], bias [out], y = x · Wᵀ + b (the layout of HF's Marian checkpoints). */
public final class TorchLinear {
    public final Tensor weight;
    public final Tensor bias;

    public TorchLinear(Parameters p, String prefix, int in, int out) {
        this.weight = p.create(prefix + ".weight", Shape.of(out, in), true, true);
        this.bias = p.create(prefix + ".bias", Shape.of(out), false, true);
    }

    public Tensor forward(Tape tape, Tensor x) {
        return jgpt.ops.Linear.applyTransposed(tape, x, weight, bias);
    }

    /** Normal(0, std) weights, zero bias (HF's init_std scheme for Marian). */
    public void init(Rng rng, double std) {
        Init.normal(weight, rng, std);
        Init.fill(bias, 0f);
    }

    public static int count(int in, int out) { return in * out + out; }
}
