package jgpt.kernels;

/**
 * Splits a loop over n items across the pool when it is large enough to pay for the hand-off, in contiguous
 * ranges whose boundaries are multiples of {@code align} (so threads never share a cache line of output).
 * Dispatch allocates nothing: the job is described in a per-thread {@link Job} reused by every call (one per
 * nesting level, since a body may itself split a loop), so a training step in its steady state makes no garbage.
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
        int parts = parts(n, minItems);
        if (parts <= 1) body.run(0, n);
        else dispatch(n, parts, align, body, null);
    }

    /** Runs body over [0, n) in {@link #parts(int, int)} ranges, telling each its index. */
    public static void parts(int n, int minItems, int align, PartBody body) {
        int parts = parts(n, minItems);
        if (parts <= 1) body.run(0, 0, n);
        else dispatch(n, parts, align, null, body);
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

    private static final int MAX_DEPTH = 8;
    private static final ThreadLocal<Job[]> JOBS = ThreadLocal.withInitial(() -> new Job[MAX_DEPTH]);
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private static void dispatch(int n, int parts, int align, IntRangeBody range, PartBody part) {
        int[] depth = DEPTH.get();
        if (depth[0] == MAX_DEPTH) throw new IllegalStateException("loops split more than " + MAX_DEPTH + " deep");
        Job[] jobs = JOBS.get();
        Job job = jobs[depth[0]];
        if (job == null) job = jobs[depth[0]] = new Job();
        job.n = n; job.parts = parts; job.align = align; job.range = range; job.part = part;
        depth[0]++;
        try {
            Parallel.parallelFor(parts, job);
        } finally {
            depth[0]--;
            job.range = null;
            job.part = null;
        }
    }

    /** One split loop: runs ranges [from, to) of its parts. */
    private static final class Job implements IntRangeBody {
        int n, parts, align;
        IntRangeBody range;
        PartBody part;

        @Override
        public void run(int from, int to) {
            for (int p = from; p < to; p++) {
                int lo = boundary(n, parts, p, align), hi = boundary(n, parts, p + 1, align);
                if (range != null) range.run(lo, hi);
                else part.run(p, lo, hi);
            }
        }
    }
}
