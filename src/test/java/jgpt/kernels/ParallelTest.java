package jgpt.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void everyIndexExactlyOnce() {
        for (int n : new int[] {1, 2, 3, 7, 64, 1001}) {
            for (int rep = 0; rep < 200; rep++) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.parallelFor(n, (from, to) -> {
                    for (int i = from; i < to; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " i=" + i);
            }
        }
    }

    @Test
    void zeroTasksDoesNothing() {
        Parallel.parallelFor(0, (from, to) -> { throw new AssertionError(); });
    }

    @Test
    void exceptionsPropagateAndPoolStaysUsable() {
        IllegalStateException boom = new IllegalStateException("boom");
        // The last range runs on a worker when there is more than one thread.
        RuntimeException e = assertThrows(RuntimeException.class, () -> Parallel.parallelFor(8, (from, to) -> {
            if (to == 8) throw boom;
        }));
        assertSame(boom, e);
        assertThrows(ArithmeticException.class, () -> Parallel.parallelFor(8, (from, to) -> {
            if (from == 0) throw new ArithmeticException();
        }));
        AtomicIntegerArray hits = new AtomicIntegerArray(4);
        Parallel.parallelFor(4, (from, to) -> {
            for (int i = from; i < to; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < 4; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void nestedCallsRunEveryIndexOnce() {
        AtomicIntegerArray hits = new AtomicIntegerArray(16);
        Parallel.parallelFor(4, (from, to) -> {
            for (int i = from; i < to; i++) {
                int base = i * 4;
                Parallel.parallelFor(4, (f, t) -> {
                    for (int j = f; j < t; j++) hits.incrementAndGet(base + j);
                });
            }
        });
        for (int i = 0; i < 16; i++) assertEquals(1, hits.get(i));
    }

    @Test
    void aThreadDoneWithItsPartHelpsWithNestedJobs() {
        if (Parallel.threads() < 2) return;
        Set<Thread> nestedRunners = ConcurrentHashMap.newKeySet();
        AtomicIntegerArray hits = new AtomicIntegerArray(2);
        AtomicBoolean firstDone = new AtomicBoolean();
        Parallel.parallelFor(2, (from, to) -> {
            if (from == 0) { // done at once: its thread is then free to help
                firstDone.set(true);
                return;
            }
            while (!firstDone.get()) Thread.onSpinWait();
            for (int rep = 0; rep < 2000 && nestedRunners.size() < 2; rep++) {
                Parallel.parallelFor(2, (f, t) -> {
                    nestedRunners.add(Thread.currentThread());
                    for (int i = f; i < t; i++) hits.incrementAndGet(i);
                    long until = System.nanoTime() + 50_000;
                    while (System.nanoTime() < until) Thread.onSpinWait();
                });
            }
        });
        assertEquals(2, nestedRunners.size(), "a nested job's ranges ran on " + nestedRunners);
        assertEquals(hits.get(0), hits.get(1));
    }

    @Test
    void threadsIsPositive() {
        assertTrue(Parallel.threads() >= 1);
    }
}
