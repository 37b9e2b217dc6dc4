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
 * A call made while the pool is busy (nested, or from another thread) runs inline.
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
        if (n == 1 || p.size == 1 || !p.busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        p.run(n, body);
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

    private static final class Pool {
        final int size;
        final AtomicBoolean busy = new AtomicBoolean();
        /** (generation << 32) | next unclaimed part: participants claim parts with a CAS, so a late worker never holds up a job. */
        final AtomicLong ticket = new AtomicLong();
        /** Parts of the current job not yet finished. */
        final AtomicInteger remaining = new AtomicInteger();
        final Worker[] workers;
        volatile long generation;
        volatile boolean stopped;
        volatile boolean callerParked;
        volatile Thread caller;
        // Job description: written before the ticket and generation are published, read after a successful claim.
        IntRangeBody body;
        int n;
        int parts;
        Throwable error;

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

        void run(int n, IntRangeBody body) {
            try {
                int parts = Math.min(n, size);
                this.body = body;
                this.n = n;
                this.parts = parts;
                this.error = null;
                this.caller = Thread.currentThread();
                long gen = generation + 1;
                remaining.set(parts);
                ticket.set(gen << 32);
                generation = gen; // publishes the job
                for (Worker w : workers) {
                    if (w.parked) LockSupport.unpark(w);
                }
                // the caller works too, and takes every part no worker has claimed yet
                Throwable mine = null;
                for (int part; (part = claim(gen)) >= 0; ) {
                    try {
                        runPart(part);
                    } catch (Throwable t) {
                        if (mine == null) mine = t;
                        else mine.addSuppressed(t);
                    }
                    remaining.decrementAndGet();
                }
                awaitParts();
                Throwable err = error;
                this.body = null;
                if (mine != null) {
                    if (err != null) mine.addSuppressed(err);
                    err = mine;
                }
                if (err != null) rethrow(err);
            } finally {
                busy.set(false);
            }
        }

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

        private void awaitParts() {
            long start = 0;
            int spins = 0;
            while (remaining.get() != 0) {
                if (++spins < 64) {
                    Thread.onSpinWait();
                    continue;
                }
                spins = 0;
                long now = System.nanoTime();
                if (start == 0) start = now;
                if (now - start < SPIN_NANOS) continue;
                callerParked = true;
                if (remaining.get() != 0) LockSupport.parkNanos(this, 1_000_000);
                callerParked = false;
            }
        }

        synchronized void recordError(Throwable t) {
            if (error == null) error = t;
            else error.addSuppressed(t);
        }

        void partDone() {
            if (remaining.decrementAndGet() == 0 && callerParked) LockSupport.unpark(caller);
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
                for (int part; (part = pool.claim(g)) >= 0; ) {
                    try {
                        pool.runPart(part);
                    } catch (Throwable t) {
                        pool.recordError(t);
                    }
                    pool.partDone();
                }
            }
        }

        /** Returns the new generation, or -1 when the pool is shut down. */
        private long awaitJob(long seen) {
            long start = System.nanoTime();
            int spins = 0;
            while (true) {
                long g = pool.generation;
                if (g != seen) return g;
                if (pool.stopped) return -1;
                if (++spins < 64) {
                    Thread.onSpinWait();
                    continue;
                }
                spins = 0;
                if (System.nanoTime() - start < SPIN_NANOS) continue;
                parked = true;
                if (pool.generation == seen && !pool.stopped) LockSupport.park(this);
                parked = false;
            }
        }
    }
}
