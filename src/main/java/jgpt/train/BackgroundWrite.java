package jgpt.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * At most one file write in flight on a background thread: a checkpoint spends most of its time waiting for
 * fsync (~0.2 s for a `baby` model here, seconds for GPT-2), which the next training step can overlap. The
 * caller guarantees that what the write reads stays unchanged until {@link #await()} (the trainer awaits before
 * the optimizer touches the weights again). A failed write is reported by the next {@code await}.
 */
final class BackgroundWrite implements AutoCloseable {
    /** A write to run in the background. */
    interface Write {
        void run() throws IOException;
    }

    private ExecutorService thread;
    private CompletableFuture<Void> pending;
    private Runnable onDone;

    /** Waits for the previous write, then starts {@code write}; {@code onDone} runs on the caller's thread at await. */
    void start(Write write, Runnable onDone) throws IOException {
        await();
        if (thread == null) {
            thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "checkpoint-writer");
                t.setDaemon(true); // a half-written checkpoint is harmless: files are replaced atomically
                return t;
            });
        }
        this.onDone = onDone;
        pending = CompletableFuture.runAsync(() -> {
            try {
                write.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, thread);
    }

    /** Waits for the write in flight, if any; rethrows its failure. */
    void await() throws IOException {
        if (pending == null) return;
        CompletableFuture<Void> p = pending;
        Runnable done = onDone;
        pending = null;
        onDone = null;
        try {
            p.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException io) throw io.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IOException(cause);
        }
        done.run();
    }

    @Override
    public void close() throws IOException {
        try {
            await();
        } finally {
            if (thread != null) thread.shutdown();
            thread = null;
        }
    }
}
