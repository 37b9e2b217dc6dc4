package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.SoftmaxKernel;
import jgpt.tensor.Tensor;

/** Softmax over the last dimension. */
public final class Softmax {
    private Softmax() {}

    public static Tensor apply(Tape tape, Tensor x) {
        int n = x.shape().last(), rows = x.shape().rows();
        Tensor out = tape.output(x.shape(), tape.needsGrad(x));
        tape.forward(() -> SoftmaxKernel.forward(x.data(), x.offset(), out.data(), out.offset(), rows, n));
        if (out.requiresGrad()) {
            tape.record(() -> SoftmaxKernel.backward(out.data(), out.offset(), out.grad(), out.gradOffset(),
                    x.grad(), x.gradOffset(), rows, n));
        }
        return out;
    }
}
