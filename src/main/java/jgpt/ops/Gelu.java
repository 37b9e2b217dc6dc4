package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.ActivationKernel;
import jgpt.kernels.GeluErfKernel;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Split;
import jgpt.tensor.Tensor;

/** GELU (Hendrycks and Gimpel 2016): the tanh approximation of GPT-2's "gelu_new", or the exact erf form. */
public final class Gelu {
    private Gelu() {}

    public static Tensor apply(Tape tape, Tensor x) {
        return apply(tape, x, false);
    }

    /** {@code exact}: x Phi(x) with erf (nn.GELU()); otherwise the tanh approximation. */
    public static Tensor apply(Tape tape, Tensor x, boolean exact) {
        Tensor out = tape.output(x.shape(), tape.needsGrad(x));
        // the tanh form keeps gelu'(x) from the forward pass for the backward one
        float[] slope = !exact && out.requiresGrad() ? tape.scratch(x.size()) : null;
        // one kernel per body: C2 compiles a body with both kernels inlined into a unit so large that it boxes vectors
        IntRangeBody forward = exact
                ? (from, to) -> GeluErfKernel.forward(x.data(), x.offset() + from, out.data(), out.offset() + from, to - from)
                : slope == null ? (from, to) -> ActivationKernel.geluForward(x.data(), x.offset() + from, out.data(), out.offset() + from, to - from)
                : (from, to) -> ActivationKernel.geluForward(x.data(), x.offset() + from, out.data(), out.offset() + from, slope, from, to - from);
        tape.forward(() -> Split.range(x.size(), forward));
        if (out.requiresGrad()) {
            IntRangeBody backward = exact
                    ? (from, to) -> GeluErfKernel.backward(x.data(), x.offset() + from, out.grad(), out.gradOffset() + from,
                            x.grad(), x.gradOffset() + from, to - from)
                    : (from, to) -> ActivationKernel.geluBackward(slope, from, out.grad(), out.gradOffset() + from,
                            x.grad(), x.gradOffset() + from, to - from);
            tape.record(() -> Split.range(x.size(), backward));
        }
        return out;
    }
}
