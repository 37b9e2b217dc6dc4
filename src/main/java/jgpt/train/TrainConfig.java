package jgpt.train;

import jgpt.UserException;

/**
 * Optimisation settings (nanoGPT's names in comments), validated on construction.
 *
 * @param batchSize      sequences per micro-batch (batch_size)
 * @param gradAccum      micro-batches per optimizer step (gradient_accumulation_steps)
 * @param maxIters       optimizer steps (max_iters)
 * @param learningRate   peak learning rate after warm-up
 * @param minLr          learning rate at the end of cosine decay
 * @param warmupIters    linear warm-up steps
 * @param lrDecayIters   step at which cosine decay reaches minLr
 * @param weightDecay    AdamW decoupled decay on matrices and embeddings
 * @param gradClip       clip the global gradient norm to this (0 = off)
 * @param evalInterval   evaluate train/val loss every this many steps
 * @param evalIters      batches per loss estimate
 * @param checkpointInterval save a resumable checkpoint every this many steps (0 = only at the end)
 * @param seed           seed for initialisation, batches and dropout
 * @param seqLen         tokens per training sequence (0 = the model's block size; fine-tuning may use less)
 * @param freezeEmbeddings leave wte and wpe unchanged (fine-tuning); wte is also the tied unembedding
 */
public record TrainConfig(int batchSize, int gradAccum, int maxIters, float learningRate, float minLr,
                          int warmupIters, int lrDecayIters, float beta1, float beta2, float weightDecay,
                          float gradClip, int evalInterval, int evalIters, int checkpointInterval, long seed,
                          int seqLen, boolean freezeEmbeddings) {
    public TrainConfig {
        require(seqLen >= 0, "--seq-len must be >= 0 (0 = the model's context)");
        require(batchSize >= 1, "--batch-size must be >= 1");
        require(gradAccum >= 1, "--grad-accum must be >= 1");
        require(maxIters >= 0, "--iters must be >= 0");
        require(learningRate > 0f && Float.isFinite(learningRate), "--lr must be > 0");
        require(minLr >= 0f && minLr <= learningRate, "--min-lr must be in [0, lr]");
        require(warmupIters >= 0, "--warmup must be >= 0");
        require(lrDecayIters >= warmupIters, "--lr-decay-iters must be >= --warmup");
        require(beta1 >= 0f && beta1 < 1f && beta2 >= 0f && beta2 < 1f, "betas must be in [0, 1)");
        require(weightDecay >= 0f, "--weight-decay must be >= 0");
        require(gradClip >= 0f, "--grad-clip must be >= 0 (0 = off)");
        require(evalInterval >= 1, "--eval-interval must be >= 1");
        require(evalIters >= 1, "--eval-iters must be >= 1");
        require(checkpointInterval >= 0, "--checkpoint-interval must be >= 0");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new UserException(message);
    }

    /** nanoGPT's CPU Shakespeare-char recipe for the {@code baby} model. */
    public static TrainConfig nanoGptCpuRecipe() {
        return new TrainConfig(12, 1, 2000, 1e-3f, 1e-4f, 100, 2000, 0.9f, 0.99f, 0.1f, 1.0f, 250, 20, 0, 1337, 0, false);
    }

    /** A copy with a different number of steps (for extending a resumed run). */
    public TrainConfig withMaxIters(int iters) {
        return new TrainConfig(batchSize, gradAccum, iters, learningRate, minLr, warmupIters, lrDecayIters, beta1, beta2,
                weightDecay, gradClip, evalInterval, evalIters, checkpointInterval, seed, seqLen, freezeEmbeddings);
    }

    public LrSchedule schedule() { return new LrSchedule(learningRate, minLr, warmupIters, lrDecayIters); }
}
