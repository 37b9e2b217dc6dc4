package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.ActivationKernel;
import jgpt.tensor.Tensor;

/** GELU, tanh approximation (Hendrycks and Gimpel 2016), as GPT-2's "gelu_new". */
public final class Gelu {
    private Gelu() {}

    public static Tensor apply(Tape tape, Tensor x) {
        Tensor out = tape.output(x.shape(), tape.needsGrad(x));
        ActivationKernel.geluForward(x.data(), x.offset(), out.data(), out.offset(), x.size());
        if (out.requiresGrad()) {
            tape.record(() -> ActivationKernel.geluBackward(x.data(), x.offset(), out.grad(), out.gradOffset(),
                    x.grad(), x.gradOffset(), x.size()));
        }
        return out;
    }
}
