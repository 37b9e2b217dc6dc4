package jgpt.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of daemon worker threads (one per core, the caller being one of them) for
 * data-parallel loops. {@link #parallelFor} splits [0, n) into one contiguous range per
 * participant; participants claim ranges as they arrive, so when a worker is descheduled (a shared
 * machine) the caller runs its range instead of waiting for it. Workers spin briefly after a
 * job (the model issues thousands of small jobs per second) and then park.
 * <p>A call made inside a running job (a data-parallel replica's kernels) is published as a nested job: its
 * caller claims ranges as usual, and a thread that has finished its own part of the outer job claims the
 * rest instead of waiting idle. Each replica of a training step then gets help once the other replica is done
 * (on a shared machine one of them is often a few milliseconds late). Ranges are the same whoever runs them,
 * so results do not depend on who helped. A call made while a nested job is also running runs inline.
 */
public final class Parallel {
    private static volatile Pool pool;

    private Parallel() {}

    /** Sets the number of threads (caller included). Meant to be called once at start-up. */
    public static synchronized void configure(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1: " + threads);
        Pool old = pool;
        if (old != null && old.size == threads) return;
        pool = new Pool(threads);
        if (old != null) old.shutdown();
    }

    /** Number of participating threads, the caller included. */
    public static int threads() {
        return pool().size;
    }

    /**
     * Runs body over [0, n), split into min(n, threads()) contiguous, near-equal ranges, each run
     * by exactly one thread. Returns when all ranges are done; the first exception thrown by any
     * range is rethrown here (others are added as suppressed).
     */
    public static void parallelFor(int n, IntRangeBody body) {
        if (n <= 0) return;
        Pool p = pool();
        if (n == 1 || p.size == 1) {
            body.run(0, n);
        } else if (p.busy.compareAndSet(false, true)) {
            try {
                p.run(p.outer, n, body);
            } finally {
                p.busy.set(false);
            }
        } else if (p.nestedBusy.compareAndSet(false, true)) {
            try {
                p.run(p.nested, n, body);
            } finally {
                p.nestedBusy.set(false);
            }
        } else {
            body.run(0, n);
        }
    }

    private static Pool pool() {
        Pool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) pool = p = new Pool(Runtime.getRuntime().availableProcessors());
            }
        }
        return p;
    }

    /** Spin budget before parking; long enough to bridge the gaps between back-to-back jobs. */
    private static final long SPIN_NANOS = 100_000;
    /**
     * While another thread still runs its part of a job, a thread done with its own keeps spinning this long
     * (not parking) so it can help with that part's nested jobs as they come.
     */
    private static final long HELP_SPIN_NANOS = 20_000_000;

    /** One job slot: its ranges are claimed through a ticket, so a participant that comes late never holds it up. */
    private static final class Job {
        /** (generation << 32) | next unclaimed part. */
        final AtomicLong ticket = new AtomicLong();
        /** Parts of the current job not yet finished. */
        final AtomicInteger remaining = new AtomicInteger();
        volatile long generation;
        // Job description: written before the ticket and generation are published, read after a successful claim.
        IntRangeBody body;
        int n;
        int parts;
        Throwable error;

        /** Claims the next part of job {@code gen}, or returns -1 when none is left (or the job is over). */
        int claim(long gen) {
            while (true) {
                long t = ticket.get();
                if ((t >>> 32) != gen) return -1;
                int part = (int) t;
                if (part >= parts) return -1;
                if (ticket.compareAndSet(t, t + 1)) return part;
            }
        }

        void runPart(int part) {
            int from = (int) ((long) n * part / parts);
            int to = (int) ((long) n * (part + 1) / parts);
            body.run(from, to);
        }

        synchronized void recordError(Throwable t) {
            if (error == null) error = t;
            else error.addSuppressed(t);
        }

        /** Runs every part of job gen this thread can claim (as a worker or a helper); returns whether it claimed any. */
        boolean help(long gen, Pool pool) {
            boolean any = false;
            for (int part; (part = claim(gen)) >= 0; any = true) {
                try {
                    runPart(part);
                } catch (Throwable t) {
                    recordError(t);
                }
                // the outer job's caller may have parked waiting for its last part (a nested job's caller spins)
                if (remaining.decrementAndGet() == 0 && this == pool.outer && pool.callerParked) LockSupport.unpark(pool.caller);
            }
            return any;
        }
    }

    private static final class Pool {
        final int size;
        final AtomicBoolean busy = new AtomicBoolean(), nestedBusy = new AtomicBoolean();
        final Job outer = new Job(), nested = new Job();
        final Worker[] workers;
        volatile boolean stopped;
        volatile boolean callerParked;
        volatile Thread caller;

        Pool(int size) {
            this.size = size;
            workers = new Worker[size - 1];
            for (int w = 0; w < workers.length; w++) {
                workers[w] = new Worker(this);
                workers[w].setDaemon(true);
                workers[w].setName("jgpt-parallel-" + (w + 1));
                workers[w].start();
            }
        }

        void shutdown() {
            stopped = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }

        /** Publishes a job in slot {@code job}, runs the parts nobody else claims, waits for the rest. */
        void run(Job job, int n, IntRangeBody body) {
            int parts = Math.min(n, size);
            job.body = body;
            job.n = n;
            job.parts = parts;
            job.error = null;
            long gen = job.generation + 1;
            job.remaining.set(parts);
            job.ticket.set(gen << 32);
            job.generation = gen; // publishes the job
            if (job == outer) {
                this.caller = Thread.currentThread();
                for (Worker w : workers) {
                    if (w.parked) LockSupport.unpark(w);
                }
            }
            // the caller works too, and takes every part no one else has claimed yet
            Throwable mine = null;
            for (int part; (part = job.claim(gen)) >= 0; ) {
                try {
                    job.runPart(part);
                } catch (Throwable t) {
                    if (mine == null) mine = t;
                    else mine.addSuppressed(t);
                }
                job.remaining.decrementAndGet();
            }
            if (job == outer) awaitParts();
            else while (job.remaining.get() != 0) Thread.onSpinWait(); // helpers are running, not waiting
            Throwable err = job.error;
            job.body = null;
            if (mine != null) {
                if (err != null) mine.addSuppressed(err);
                err = mine;
            }
            if (err != null) rethrow(err);
        }

        /** The outer job's caller waits for the other parts, helping with their nested jobs meanwhile. */
        private void awaitParts() {
            long start = 0, helped = nested.generation;
            int spins = 0;
            while (outer.remaining.get() != 0) {
                long g = nested.generation;
                if (g != helped) {
                    helped = g;
                    if (nested.help(g, this)) start = 0;
                }
                if (++spins < 64) {
                    Thread.onSpinWait();
                    continue;
                }
                spins = 0;
                long now = System.nanoTime();
                if (start == 0) start = now;
                if (now - start < HELP_SPIN_NANOS) continue;
                callerParked = true;
                if (outer.remaining.get() != 0) LockSupport.parkNanos(this, 1_000_000);
                callerParked = false;
            }
        }

        private static void rethrow(Throwable t) {
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new RuntimeException(t);
        }
    }

    private static final class Worker extends Thread {
        final Pool pool;
        volatile boolean parked;

        Worker(Pool pool) {
            this.pool = pool;
        }

        @Override
        public void run() {
            long seen = 0; // the pool's initial generation: a job published before start() still runs
            while (true) {
                long g = awaitJob(seen);
                if (g < 0) return;
                seen = g;
                pool.outer.help(g, pool);
            }
        }

        /**
         * Returns the new generation, or -1 when the pool is shut down. Until then it helps with nested jobs, and
         * spins while the outer job is still running elsewhere (its nested jobs come every few microseconds).
         */
        private long awaitJob(long seen) {
            long start = System.nanoTime(), helped = pool.nested.generation;
            int spins = 0;
            while (true) {
                long g = pool.outer.generation;
                if (g != seen) return g;
                if (pool.stopped) return -1;
                long h = pool.nested.generation;
                if (h != helped) {
                    helped = h;
                    if (pool.nested.help(h, pool)) start = System.nanoTime();
                }
                if (++spins < 64) {
                    Thread.onSpinWait();
                    continue;
                }
                spins = 0;
                long waited = System.nanoTime() - start;
                if (waited < SPIN_NANOS || waited < HELP_SPIN_NANOS && pool.outer.remaining.get() != 0) continue;
                parked = true;
                if (pool.outer.generation == seen && !pool.stopped) LockSupport.park(this);
                parked = false;
            }
        }
    }
}
