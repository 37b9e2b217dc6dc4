package jgpt.nn;

import jgpt.autograd.Tape;
import jgpt.tensor.Rng;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/** A Hugging Face Conv1D-style layer: weight [in, out], optional bias [out], y = x · W + b. */
public final class Linear {
    public final Tensor weight;
    public final Tensor bias;

    public Linear(Parameters p, String prefix, int in, int out, boolean bias) {
        this.weight = p.create(prefix + ".weight", Shape.of(in, out), true, true);
        this.bias = bias ? p.create(prefix + ".bias", Shape.of(out), false, true) : null;
    }

    public Tensor forward(Tape tape, Tensor x) {
        return jgpt.ops.Linear.apply(tape, x, weight, bias);
    }

    /** Normal(0, std) weights, zero bias (GPT-2 initialisation). */
    public void init(Rng rng, double std) {
        Init.normal(weight, rng, std);
        if (bias != null) Init.fill(bias, 0f);
    }

    public static int count(int in, int out, boolean bias) { return in * out + (bias ? out : 0); }
}
