package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.LayerNormKernel;
import jgpt.kernels.Split;
import jgpt.kernels.Vec;
import jgpt.tensor.Tensor;

/** Layer normalisation over the last dimension (Ba, Kiros and Hinton 2016), weight and optional bias. */
public final class LayerNorm {
    private LayerNorm() {}

    public static Tensor apply(Tape tape, Tensor x, Tensor weight, Tensor bias, float eps) {
        int c = x.shape().last(), rows = x.shape().rows();
        Tensor out = tape.output(x.shape(), tape.needsGrad(x, weight, bias));
        boolean grad = out.requiresGrad();
        // kept even without a backward pass: an eval that skipped them trained C2 on a branch training then deoptimised
        float[] mean = tape.scratch(rows), rstd = tape.scratch(rows);
        int minRows = 1 + Split.MIN_ITEMS / c;
        IntRangeBody forward = (from, to) -> LayerNormKernel.forward(x.data(), x.offset() + from * c,
                out.data(), out.offset() + from * c, weight.data(), weight.offset(),
                bias == null ? null : bias.data(), bias == null ? 0 : bias.offset(),
                mean, rstd, from, to - from, c, eps);
        tape.forward(() -> Split.range(rows, minRows, 1, forward));
        if (grad) {
            // each range of rows accumulates its own dw/db partial (no shared writes), summed afterwards
            int parts = Split.parts(rows, minRows);
            float[] partial = tape.scratch(parts * 2 * c);
            Split.PartBody backward = (part, from, to) -> LayerNormKernel.backward(out.grad(), out.gradOffset() + from * c,
                    x.data(), x.offset() + from * c, weight.data(), weight.offset(), mean, rstd, from,
                    x.grad(), x.gradOffset() + from * c, partial, part * 2 * c, partial, part * 2 * c + c, to - from, c);
            tape.record(() -> {
                java.util.Arrays.fill(partial, 0f);
                Split.parts(rows, minRows, 1, backward);
                for (int part = 0; part < parts; part++) {
                    if (weight.requiresGrad()) Vec.add(partial, part * 2 * c, weight.grad(), weight.gradOffset(), c);
                    if (bias != null && bias.requiresGrad()) Vec.add(partial, part * 2 * c + c, bias.grad(), bias.gradOffset(), c);
                }
            });
        }
        return out;
    }
}
