package jgpt.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Parallel;
import jgpt.model.BatchDecoder;

/**
 * Continuous batching: one thread owns the {@link BatchDecoder} and loops. Each turn it admits waiting
 * sequences into free KV-cache slots, drops cancelled ones, feeds at most {@link #PREFILL_BUDGET} prompt tokens
 * of newcomers (so a long prompt delays the others by a bounded amount), then runs one batched step for every
 * sequence that is generating and samples each one's next token (the samplers split across the cores).
 * Sequences join and leave between steps. Waiting sequences sit in a bounded queue; {@link #submit} refuses
 * when it is full.
 */
final class BatchScheduler implements AutoCloseable {
    /** Prompt tokens fed per turn, across newcomers; a multiple of the prefill chunk. */
    static final int PREFILL_BUDGET = 2 * BatchDecoder.CHUNK;

    private final BatchDecoder decoder;
    private final ArrayBlockingQueue<Sequence> waiting;
    private final List<Sequence> active = new ArrayList<>();
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private final Thread thread;
    private final int vocab, context;
    private final int[] slots, tokens;
    private final Sequence[] stepping;
    private final Samplers samplers = new Samplers();
    private final AtomicLong cancelledTotal = new AtomicLong(), tokensTotal = new AtomicLong(), stepsTotal = new AtomicLong();
    private volatile boolean closed;
    private volatile int activeCount;

    BatchScheduler(BatchDecoder decoder, int queueCapacity) {
        this.decoder = decoder;
        this.waiting = new ArrayBlockingQueue<>(Math.max(1, queueCapacity));
        this.vocab = decoder.config().vocabSize();
        this.context = decoder.config().blockSize();
        int b = decoder.maxBatch();
        for (int i = 0; i < b; i++) freeSlots.add(i);
        slots = new int[b];
        tokens = new int[b];
        stepping = new Sequence[b];
        thread = Thread.ofPlatform().name("jgpt-decode").daemon().start(this::loop);
    }

    /** Queues all of seqs, or none when the queue cannot take them all (the caller answers 503). */
    synchronized boolean submit(List<Sequence> seqs) {
        if (closed || waiting.remainingCapacity() < seqs.size()) return false;
        waiting.addAll(seqs);
        return true;
    }

    int queued() { return waiting.size(); }

    int active() { return activeCount; }

    long cancelledTotal() { return cancelledTotal.get(); }

    long tokensTotal() { return tokensTotal.get(); }

    long stepsTotal() { return stepsTotal.get(); }

    private void loop() {
        while (!closed) {
            try {
                turn();
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) { // a bug must not hang the clients: fail what is running, keep serving
                System.err.println("jgpt serve: decode failed: " + t);
                for (Sequence s : active) fail(s);
                active.clear();
                freeSlots.clear();
                for (int i = 0; i < decoder.maxBatch(); i++) freeSlots.add(i);
            }
            activeCount = active.size();
        }
    }

    private void turn() throws InterruptedException {
        if (active.isEmpty()) {
            Sequence s = waiting.poll(100, TimeUnit.MILLISECONDS);
            if (s == null) return;
            admit(s);
        }
        for (Sequence s; !freeSlots.isEmpty() && (s = waiting.poll()) != null; ) admit(s);
        active.removeIf(s -> {
            if (!s.cancelled() && !s.finished) return false;
            if (!s.finished) cancelledTotal.incrementAndGet();
            freeSlots.add(s.slot);
            return true;
        });
        activeCount = active.size();
        prefill();
        step();
    }

    private void admit(Sequence s) {
        if (s.cancelled()) return;
        s.slot = freeSlots.poll();
        decoder.reset(s.slot);
        active.add(s);
    }

    /** Feeds prompt chunks of newcomers, oldest first, up to the budget; a finished prompt samples its first token. */
    private void prefill() {
        int budget = PREFILL_BUDGET;
        for (Sequence s : active) {
            while (budget > 0 && s.prefilling() && !s.cancelled()) {
                float[] logits = decoder.prefill(s.slot, s.prompt, s.prefilled);
                int fed = Math.min(s.prompt.length, s.prefilled + BatchDecoder.CHUNK) - s.prefilled;
                s.prefilled += fed;
                budget -= fed;
                if (logits != null) {
                    s.sample(logits, 0, context - decoder.length(s.slot));
                    tokensTotal.incrementAndGet();
                }
            }
            if (budget <= 0) break;
        }
    }

    private void step() {
        int b = 0;
        for (Sequence s : active) {
            if (s.prefilling() || s.finished || s.cancelled() || s.generated == 0) continue;
            stepping[b] = s;
            slots[b] = s.slot;
            tokens[b++] = s.nextToken;
        }
        if (b == 0) return;
        float[] logits = decoder.step(slots, tokens, b);
        stepsTotal.incrementAndGet();
        samplers.run(logits, b);
        tokensTotal.addAndGet(b);
        java.util.Arrays.fill(stepping, 0, b, null);
    }

    /** Samples the stepped sequences, split across the cores (each sampler sorts its own vocabulary). */
    private final class Samplers implements IntRangeBody {
        private float[] logits;

        void run(float[] logits, int b) {
            this.logits = logits;
            Parallel.parallelFor(b, this);
        }

        @Override public void run(int from, int to) {
            for (int i = from; i < to; i++) {
                Sequence s = stepping[i];
                s.sample(logits, i * vocab, context - decoder.length(s.slot));
            }
        }
    }

    private static void fail(Sequence s) {
        s.finished = true;
        s.events.add(TokenEvent.error(s.choice));
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            for (Sequence s; (s = waiting.poll()) != null; ) fail(s);
        }
        for (Sequence s : active) fail(s);
    }
}
