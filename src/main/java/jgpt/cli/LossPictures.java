package jgpt.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jgpt.inspect.plot.LossChart;
import jgpt.inspect.plot.Png;
import jgpt.train.Checkpoint;
import jgpt.train.LossLog;
import jgpt.train.TrainingListener;

/**
 * Redraws {@code loss.png} in the run folder after every checkpoint, on a background thread so the training
 * loop never waits for it; a failed picture prints one warning and never stops the run. Checkpoints that
 * arrive while a picture is still queued share it (it reads the newest loss.csv when it starts).
 */
final class LossPictures implements TrainingListener, AutoCloseable {
    static final String FILE = "loss.png";

    private final TrainingListener inner;
    private final PrintStream warnings;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "loss-picture");
        t.setDaemon(true); // loss.png is replaced atomically, so an unfinished picture is harmless
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });

    LossPictures(TrainingListener inner, PrintStream warnings) {
        this.inner = inner;
        this.warnings = warnings;
    }

    @Override
    public void onStep(int step, int maxIters, float loss, float lr, float gradNorm, double seconds, long tokens) {
        inner.onStep(step, maxIters, loss, lr, gradNorm, seconds, tokens);
    }

    @Override
    public void onEval(int step, float trainLoss, float valLoss) {
        inner.onEval(step, trainLoss, valLoss);
    }

    @Override
    public void onCheckpoint(int step, Path dir) {
        inner.onCheckpoint(step, dir);
        if (queued.compareAndSet(false, true)) thread.execute(() -> draw(dir));
    }

    private void draw(Path dir) {
        queued.set(false);
        try {
            Path csv = dir.resolve(Checkpoint.LOG);
            if (!Files.isRegularFile(csv)) return;
            LossLog log = LossLog.fromCsv(Files.readString(csv), csv.toString());
            Png.write(LossChart.of(log, PlotLossCommand.title(dir)), dir.resolve(FILE));
        } catch (Throwable e) { // a picture is a convenience: never let it fail a run (missing fonts, full disk, ...)
            if (warned.compareAndSet(false, true)) {
                warnings.println("warning: " + FILE + " not written (" + e + "); training goes on; draw it later with 'gpt plot-loss'");
            }
        }
    }

    /** Waits (a bounded time) for the last picture, so the finished run's loss.png shows its final step. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
