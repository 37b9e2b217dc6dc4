package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.ActivationKernel;
import jgpt.kernels.Split;
import jgpt.tensor.Tensor;

/** GELU, tanh approximation (Hendrycks and Gimpel 2016), as GPT-2's "gelu_new". */
public final class Gelu {
    private Gelu() {}

    public static Tensor apply(Tape tape, Tensor x) {
        Tensor out = tape.output(x.shape(), tape.needsGrad(x));
        Split.range(x.size(), (from, to) ->
                ActivationKernel.geluForward(x.data(), x.offset() + from, out.data(), out.offset() + from, to - from));
        if (out.requiresGrad()) {
            tape.record(() -> Split.range(x.size(), (from, to) -> ActivationKernel.geluBackward(x.data(), x.offset() + from,
                    out.grad(), out.gradOffset() + from, x.grad(), x.gradOffset() + from, to - from)));
        }
        return out;
    }
}
