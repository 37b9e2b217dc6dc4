package jgpt.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of daemon worker threads (one per core, the caller being one of them) for
 * data-parallel loops. {@link #parallelFor} splits [0, n) into one contiguous range per
 * participant; the calling thread runs the first range itself. Workers spin briefly after a
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
        final AtomicInteger pending = new AtomicInteger();
        final Worker[] workers;
        volatile long generation;
        volatile boolean stopped;
        volatile boolean callerParked;
        volatile Thread caller;
        // Job description: written before the volatile generation bump, read after it.
        IntRangeBody body;
        int n;
        int parts;
        Throwable error;

        Pool(int size) {
            this.size = size;
            workers = new Worker[size - 1];
            for (int w = 0; w < workers.length; w++) {
                workers[w] = new Worker(this, w + 1);
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
                pending.set(workers.length);
                generation = generation + 1; // publishes the job
                for (Worker w : workers) {
                    if (w.parked) LockSupport.unpark(w);
                }
                Throwable mine = null;
                try {
                    runPart(0);
                } catch (Throwable t) {
                    mine = t;
                }
                awaitWorkers();
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

        void runPart(int part) {
            if (part >= parts) return;
            int from = (int) ((long) n * part / parts);
            int to = (int) ((long) n * (part + 1) / parts);
            body.run(from, to);
        }

        private void awaitWorkers() {
            long start = 0;
            int spins = 0;
            while (pending.get() != 0) {
                if (++spins < 64) {
                    Thread.onSpinWait();
                    continue;
                }
                spins = 0;
                long now = System.nanoTime();
                if (start == 0) start = now;
                if (now - start < SPIN_NANOS) continue;
                callerParked = true;
                if (pending.get() != 0) LockSupport.parkNanos(this, 1_000_000);
                callerParked = false;
            }
        }

        synchronized void recordError(Throwable t) {
            if (error == null) error = t;
            else error.addSuppressed(t);
        }

        void workerDone() {
            if (pending.decrementAndGet() == 0 && callerParked) LockSupport.unpark(caller);
        }

        private static void rethrow(Throwable t) {
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new RuntimeException(t);
        }
    }

    private static final class Worker extends Thread {
        final Pool pool;
        final int part;
        volatile boolean parked;

        Worker(Pool pool, int part) {
            this.pool = pool;
            this.part = part;
        }

        @Override
        public void run() {
            long seen = 0; // the pool's initial generation: a job published before start() still runs
            while (true) {
                long g = awaitJob(seen);
                if (g < 0) return;
                seen = g;
                try {
                    pool.runPart(part);
                } catch (Throwable t) {
                    pool.recordError(t);
                }
                pool.workerDone();
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
