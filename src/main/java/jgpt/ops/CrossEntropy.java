package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.SoftmaxKernel;
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
        int counted = 0;
        for (int tgt : targets) {
            if (tgt >= v || tgt < -1) throw new IndexOutOfBoundsException("target id " + tgt + " outside [0, " + v + ")");
            if (tgt >= 0) counted++;
        }
        float[] losses = tape.scratch(rows), lse = tape.scratch(rows);
        int minRows = 1 + Split.MIN_ITEMS / v;
        // rows are independent: each range writes its own losses and lse entries
        Split.range(rows, minRows, 1, (from, to) -> SoftmaxKernel.crossEntropyForward(logits.data(), logits.offset(),
                targets, losses, lse, from, to, v));
        double sum = 0;
        for (int r = 0; r < rows; r++) sum += losses[r];
        Tensor out = tape.output(Shape.of(), tape.needsGrad(logits));
        int n = Math.max(1, counted);
        out.set(0, (float) (sum / n));
        if (out.requiresGrad()) {
            tape.record(() -> {
                float scale = out.grad()[out.gradOffset()] / n;
                Split.range(rows, minRows, 1, (from, to) -> SoftmaxKernel.crossEntropyBackward(logits.data(), logits.offset(),
                        targets, lse, logits.grad(), logits.gradOffset(), from, to, v, scale));
            });
        }
        return out;
    }
}
