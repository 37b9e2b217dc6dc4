package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.SoftmaxKernel;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Split;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/**
 * Mean cross-entropy of logits [..., V] against integer targets, fused with log-softmax so the
 * probabilities are never stored: the backward recomputes softmax from the saved logsumexp.
 * Targets equal to -1 are ignored (and excluded from the mean).
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    public static Tensor apply(Tape tape, Tensor logits, int[] targets) {
        int v = logits.shape().last(), rows = logits.shape().rows();
        if (targets.length != rows) throw new IllegalArgumentException(targets.length + " targets for " + rows + " rows");
        float[] losses = tape.scratch(rows), lse = tape.scratch(rows);
        float[] state = tape.scratch(2); // per run: [0] targets counted, [1] the backward's scale
        int minRows = 1 + Split.MIN_ITEMS / v;
        Tensor out = tape.output(Shape.of(), tape.needsGrad(logits));
        // rows are independent: each range writes its own losses and lse entries
        IntRangeBody forward = (from, to) -> SoftmaxKernel.crossEntropyForward(logits.data(), logits.offset(),
                targets, losses, lse, from, to, v);
        tape.forward(() -> {
            int n = 0;
            for (int tgt : targets) {
                if (tgt >= v || tgt < -1) throw new IndexOutOfBoundsException("target id " + tgt + " outside [0, " + v + ")");
                if (tgt >= 0) n++;
            }
            Split.range(rows, minRows, 1, forward);
            double sum = 0;
            for (int r = 0; r < rows; r++) sum += losses[r];
            state[0] = Math.max(1, n);
            out.set(0, (float) (sum / state[0]));
        });
        if (out.requiresGrad()) {
            IntRangeBody backward = (from, to) -> SoftmaxKernel.crossEntropyBackward(logits.data(), logits.offset(),
                    targets, lse, logits.grad(), logits.gradOffset(), from, to, v, state[1]);
            tape.record(() -> {
                state[1] = out.grad()[out.gradOffset()] / state[0];
                Split.range(rows, minRows, 1, backward);
            });
        }
        return out;
    }
}
