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
        return apply(tape, logits, targets, 0f);
    }

    /**
     * With label smoothing {@code eps} (Szegedy et al. 2016; PyTorch's {@code label_smoothing}): the target
     * distribution is (1 - eps) on the target plus eps / V on every id, so a row's loss is
     * logsumexp(x) - (1 - eps) x[target] - eps mean(x).
     */
    public static Tensor apply(Tape tape, Tensor logits, int[] targets, float eps) {
        if (!(eps >= 0f && eps < 1f)) throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + eps);
        int v = logits.shape().last(), rows = logits.shape().rows();
        if (targets.length != rows) throw new IllegalArgumentException(targets.length + " targets for " + rows + " rows");
        float[] losses = tape.scratch(rows), lse = tape.scratch(rows);
        float[] state = tape.scratch(2); // per run: [0] targets counted, [1] the backward's scale
        int minRows = 1 + Split.MIN_ITEMS / v;
        Tensor out = tape.output(Shape.of(), tape.needsGrad(logits));
        // rows are independent: each range writes its own losses and lse entries
        IntRangeBody nll = (from, to) -> SoftmaxKernel.crossEntropyForward(logits.data(), logits.offset(),
                targets, losses, lse, from, to, v);
        IntRangeBody forward = eps == 0f ? nll : (from, to) -> {
            nll.run(from, to);
            float[] x = logits.data();
            for (int r = from; r < to; r++) {
                if (targets[r] < 0) continue;
                double sum = 0;
                for (int j = 0, o = logits.offset() + r * v; j < v; j++) sum += x[o + j];
                losses[r] = (1f - eps) * losses[r] + eps * (lse[r] - (float) (sum / v));
            }
        };
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
            IntRangeBody nllBackward = (from, to) -> SoftmaxKernel.crossEntropyBackward(logits.data(), logits.offset(),
                    targets, lse, logits.grad(), logits.gradOffset(), from, to, v, state[1]);
            // smoothing moves eps of the one-hot target's weight to every id evenly
            IntRangeBody backward = eps == 0f ? nllBackward : (from, to) -> {
                nllBackward.run(from, to);
                float[] d = logits.grad();
                float spread = state[1] * eps / v;
                for (int r = from; r < to; r++) {
                    if (targets[r] < 0) continue;
                    int o = logits.gradOffset() + r * v;
                    for (int j = 0; j < v; j++) d[o + j] -= spread;
                    d[o + targets[r]] += state[1] * eps;
                }
            };
            tape.record(() -> {
                state[1] = out.grad()[out.gradOffset()] / state[0];
                Split.range(rows, minRows, 1, backward);
            });
        }
        return out;
    }
}
