package jgpt.kernels;

/**
 * Splits a loop over n items across the pool when it is large enough to pay for the hand-off, in contiguous
 * ranges whose boundaries are multiples of {@code align} (so threads never share a cache line of output).
 */
public final class Split {
    private Split() {}

    /** Below this many items a loop runs on the calling thread. */
    public static final int MIN_ITEMS = 16384;

    /** A loop body that also learns which range it runs (0 .. parts-1), for per-range partial results. */
    @FunctionalInterface
    public interface PartBody {
        void run(int part, int from, int to);
    }

    /** Runs body over [0, n) in up to {@link Parallel#threads()} ranges aligned to 16 items. */
    public static void range(int n, IntRangeBody body) {
        range(n, MIN_ITEMS, 16, body);
    }

    /** Runs body over [0, n), parallel when n >= minItems, each range start a multiple of align. */
    public static void range(int n, int minItems, int align, IntRangeBody body) {
        parts(n, minItems, align, (part, from, to) -> body.run(from, to));
    }

    /** Runs body over [0, n) in {@link #parts(int, int)} ranges, telling each its index. */
    public static void parts(int n, int minItems, int align, PartBody body) {
        int parts = parts(n, minItems);
        if (parts <= 1) {
            body.run(0, 0, n);
            return;
        }
        Parallel.parallelFor(parts, (from, to) -> {
            for (int p = from; p < to; p++) body.run(p, boundary(n, parts, p, align), boundary(n, parts, p + 1, align));
        });
    }

    /** Number of ranges {@link #range(int, int, int, IntRangeBody)} will use (for per-range scratch). */
    public static int parts(int n, int minItems) {
        return Math.max(1, Math.min(Parallel.threads(), n / Math.max(1, minItems)));
    }

    static int boundary(int n, int parts, int p, int align) {
        if (p >= parts) return n;
        long b = (long) n * p / parts;
        return (int) Math.min(n, b - b % align);
    }
}
