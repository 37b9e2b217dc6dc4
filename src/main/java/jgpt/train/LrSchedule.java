package jgpt.train;

/**
 * Linear warm-up to {@code maxLr}, then cosine decay to {@code minLr} at {@code decaySteps}, constant after
 * (nanoGPT's get_lr). {@code it} counts from 0.
 */
public record LrSchedule(float maxLr, float minLr, int warmupSteps, int decaySteps) {
    public float at(int it) {
        if (it < warmupSteps) return maxLr * (it + 1) / (warmupSteps + 1);
        if (it > decaySteps) return minLr;
        double ratio = (double) (it - warmupSteps) / Math.max(1, decaySteps - warmupSteps);
        double coeff = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
        return (float) (minLr + coeff * (maxLr - minLr));
    }
}
