package jgpt.nn;

import jgpt.autograd.Tape;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/** Layer normalisation with a learned scale and optional learned shift. */
public final class LayerNorm {
    public final Tensor weight;
    public final Tensor bias;
    private final float eps;

    public LayerNorm(Parameters p, String prefix, int dim, boolean bias, float eps) {
        this.weight = p.create(prefix + ".weight", Shape.of(dim), false, true);
        this.bias = bias ? p.create(prefix + ".bias", Shape.of(dim), false, true) : null;
        this.eps = eps;
    }

    public Tensor forward(Tape tape, Tensor x) {
        return jgpt.ops.LayerNorm.apply(tape, x, weight, bias, eps);
    }

    public float eps() { return eps; }

    public void init() {
        Init.fill(weight, 1f);
        if (bias != null) Init.fill(bias, 0f);
    }

    public static int count(int dim, boolean bias) { return bias ? 2 * dim : dim; }
}
