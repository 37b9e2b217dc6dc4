package jgpt.train;

import jgpt.autograd.Tape;
import jgpt.model.Gpt;
import jgpt.ops.CrossEntropy;

/**
 * Mean next-token loss of a token sequence under a model, in consecutive windows of {@code seqLen} (the last one
 * possibly shorter), so every token after the first is predicted exactly once: the figure `gpt score` reports and
 * the end-of-training validation loss, free of batch-sampling noise.
 */
public final class Evaluation {
    private Evaluation() {}

    /** Mean loss and number of predicted tokens. */
    public record Result(double meanLoss, long tokens) {}

    /** Mean loss of n windows of t tokens: inputs x and targets y, window after window. */
    @FunctionalInterface
    public interface WindowLoss {
        double mean(int[] x, int[] y, int n, int t);
    }

    /** Windows are evaluated {@code batch} at a time by the model's forward pass; at most {@code maxTokens} tokens are predicted. */
    public static Result meanLoss(Gpt model, TokenSource ids, int seqLen, int batch, long maxTokens) {
        return meanLoss(ids, seqLen, batch, maxTokens, forward(model));
    }

    /** The model's own forward pass (its ops split across the cores), with a tape kept for the whole pass. */
    public static WindowLoss forward(Gpt model) {
        Tape tape = new Tape();
        tape.setGradEnabled(false);
        return (x, y, n, t) -> {
            double mean = CrossEntropy.apply(tape, model.forward(tape, x, n, t, null), y).get(0);
            tape.reset();
            return mean;
        };
    }

    /** Windows are evaluated {@code batch} at a time by {@code loss}; at most {@code maxTokens} tokens are predicted. */
    public static Result meanLoss(TokenSource ids, int seqLen, int batch, long maxTokens, WindowLoss loss) {
        long predicted = Math.min(ids.length() - 1, maxTokens);
        if (predicted <= 0) return new Result(Double.NaN, 0);
        long fullWindows = predicted / seqLen;
        int tail = (int) (predicted % seqLen);
        int[] x = new int[batch * seqLen], y = new int[batch * seqLen];
        double total = 0;
        for (long w = 0; w < fullWindows; w += batch) {
            int n = (int) Math.min(batch, fullWindows - w);
            total += windows(loss, ids, w * seqLen, n, seqLen, x, y);
        }
        if (tail > 0) total += windows(loss, ids, fullWindows * seqLen, 1, tail, x, y);
        return new Result(total / predicted, predicted);
    }

    /** Sum of losses of n windows of length t starting at {@code start}. */
    private static double windows(WindowLoss loss, TokenSource ids, long start, int n, int t, int[] x, int[] y) {
        int[] xs = n * t == x.length ? x : new int[n * t], ys = n * t == y.length ? y : new int[n * t];
        for (int i = 0; i < n; i++) {
            ids.copy(start + (long) i * t, xs, i * t, t);
            ids.copy(start + (long) i * t + 1, ys, i * t, t);
        }
        return loss.mean(xs, ys, n, t) * n * t;
    }
}
