package jgpt.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import jgpt.train.TrainingListener;

/** nanoGPT-style progress lines: loss, learning rate, time per step, tokens/s and time left. */
final class ProgressPrinter implements TrainingListener {
    private final PrintStream out;
    private final int every;
    private final long start = System.nanoTime();
    private double smoothedSeconds = -1;
    private int firstStep = -1;

    ProgressPrinter(PrintStream out, int every) {
        this.out = out;
        this.every = Math.max(1, every);
    }

    @Override
    public void onStep(int step, int maxIters, float loss, float lr, float gradNorm, double seconds, long tokens) {
        if (firstStep < 0) firstStep = step;
        // skip the first (JIT warm-up) steps when smoothing the step time
        smoothedSeconds = smoothedSeconds < 0 || step - firstStep < 3 ? seconds : 0.9 * smoothedSeconds + 0.1 * seconds;
        if (step % every != 0 && step != maxIters) return;
        double eta = smoothedSeconds * Math.max(0, maxIters - step);
        out.printf(Locale.ROOT, "step %5d/%d | loss %.4f | lr %.2e | norm %.2f | %6.1f ms | %,8.0f tok/s | ETA %s%n",
                step, maxIters, loss, lr, gradNorm, seconds * 1e3, tokens / smoothedSeconds, duration(eta));
    }

    @Override
    public void onEval(int step, float trainLoss, float valLoss) {
        out.printf(Locale.ROOT, "step %5d: train loss %.4f, val loss %.4f (elapsed %s)%n", step, trainLoss, valLoss,
                duration((System.nanoTime() - start) / 1e9));
    }

    @Override
    public void onCheckpoint(int step, Path dir) {
        out.printf(Locale.ROOT, "step %5d: checkpoint saved to %s%n", step, dir);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
