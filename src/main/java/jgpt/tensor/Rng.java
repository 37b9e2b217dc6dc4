package jgpt.tensor;

/**
 * A small, fast, seedable random generator (SplitMix64) whose whole state is one long,
 * so a training run can save it in a checkpoint and resume bit-exactly.
 */
public final class Rng {
    private long state;

    public Rng(long seed) { this.state = seed; }

    public long state() { return state; }

    public void setState(long state) { this.state = state; }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    public float nextFloat() { return (nextLong() >>> 40) * 0x1.0p-24f; }

    /** Uniform in [0, 1). */
    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive");
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    /** Standard normal (Box-Muller). */
    public double nextGaussian() {
        double u1 = nextDouble(), u2 = nextDouble();
        if (u1 < 1e-300) u1 = 1e-300;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
