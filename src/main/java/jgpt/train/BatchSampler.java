package jgpt.train;

import jgpt.UserException;
import jgpt.tensor.Rng;

/**
 * Random training windows, as nanoGPT's get_batch: B offsets drawn uniformly, inputs are T consecutive ids
 * and targets the same window shifted by one. Buffers are reused across calls.
 */
public final class BatchSampler {
    private final TokenSource source;
    private final int batch, time;
    public final int[] inputs, targets;

    public BatchSampler(TokenSource source, int batch, int time, String name) {
        if (source.length() < time + 1L) {
            throw new UserException("the " + name + " split has " + source.length() + " tokens, fewer than block_size + 1 = "
                    + (time + 1) + "; use more text or a smaller --block-size");
        }
        this.source = source;
        this.batch = batch;
        this.time = time;
        this.inputs = new int[batch * time];
        this.targets = new int[batch * time];
    }

    /** Fills {@link #inputs} and {@link #targets} with a fresh batch drawn with {@code rng}. */
    public void next(Rng rng) {
        long range = source.length() - time;
        for (int b = 0; b < batch; b++) {
            long start = range <= Integer.MAX_VALUE ? rng.nextInt((int) range) : Math.floorMod(rng.nextLong(), range);
            source.copy(start, inputs, b * time, time);
            source.copy(start + 1, targets, b * time, time);
        }
    }

    public int batch() { return batch; }

    public int time() { return time; }
}
