package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.LayerNormKernel;
import jgpt.tensor.Tensor;

/** Layer normalisation over the last dimension (Ba, Kiros and Hinton 2016), weight and optional bias. */
public final class LayerNorm {
    private LayerNorm() {}

    public static Tensor apply(Tape tape, Tensor x, Tensor weight, Tensor bias, float eps) {
        int c = x.shape().last(), rows = x.shape().rows();
        Tensor out = tape.output(x.shape(), tape.needsGrad(x, weight, bias));
        boolean grad = out.requiresGrad();
        float[] mean = grad ? tape.scratch(rows) : null, rstd = grad ? tape.scratch(rows) : null;
        LayerNormKernel.forward(x.data(), x.offset(), out.data(), out.offset(), weight.data(), weight.offset(),
                bias == null ? null : bias.data(), bias == null ? 0 : bias.offset(), mean, rstd, rows, c, eps);
        if (grad) {
            tape.record(() -> LayerNormKernel.backward(out.grad(), out.gradOffset(), x.data(), x.offset(),
                    weight.data(), weight.offset(), mean, rstd,
                    x.grad(), x.gradOffset(),
                    weight.requiresGrad() ? weight.grad() : null, weight.gradOffset(),
                    bias != null && bias.requiresGrad() ? bias.grad() : null, bias == null ? 0 : bias.gradOffset(),
                    rows, c));
        }
        return out;
    }
}
