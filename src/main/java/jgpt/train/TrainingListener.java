package jgpt.train;

/** Progress events of a training run (the CLI prints them; tests may ignore them). */
public interface TrainingListener {
    /** After each optimizer step: 1-based step, loss averaged over micro-batches, lr used, gradient norm, seconds taken. */
    default void onStep(int step, int maxIters, float loss, float lr, float gradNorm, double seconds, long tokens) {}

    /** After each evaluation (step = optimizer steps done so far). */
    default void onEval(int step, float trainLoss, float valLoss) {}

    /** After a checkpoint is written. */
    default void onCheckpoint(int step, java.nio.file.Path dir) {}

    TrainingListener NONE = new TrainingListener() {};
}
