package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.ActivationKernel;
import jgpt.tensor.Tensor;

/** ReLU, max(0, x); its gradient at exactly 0 is taken as 0 (as PyTorch). */
public final class Relu {
    private Relu() {}

    public static Tensor apply(Tape tape, Tensor x) {
        Tensor out = tape.output(x.shape(), tape.needsGrad(x));
        tape.forward(() -> ActivationKernel.reluForward(x.data(), x.offset(), out.data(), out.offset(), x.size()));
        if (out.requiresGrad()) {
            tape.record(() -> ActivationKernel.reluBackward(x.data(), x.offset(), out.grad(), out.gradOffset(),
                    x.grad(), x.gradOffset(), x.size()));
        }
        return out;
    }
}
