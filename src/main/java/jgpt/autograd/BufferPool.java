package jgpt.autograd;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * Hands out float arrays in request order and, after {@link #reset()}, hands the same arrays out again.
 * A training step asks for the same sequence of sizes every time, so after the first step no
 * activation or activation-gradient buffer is allocated.
 */
final class BufferPool {
    private final ArrayList<float[]> buffers = new ArrayList<>();
    private int next;

    /** An array of exactly {@code size} floats; zeroed when {@code zero} (otherwise contents are stale). */
    float[] take(int size, boolean zero) {
        float[] b;
        if (next < buffers.size() && buffers.get(next).length == size) {
            b = buffers.get(next);
            if (zero) Arrays.fill(b, 0f);
        } else {
            b = new float[size];
            if (next < buffers.size()) buffers.set(next, b);
            else buffers.add(b);
        }
        next++;
        return b;
    }

    void reset() { next = 0; }

    /** Zeroes every array handed out since the last reset. */
    void zeroTaken() { zero(0, next); }

    /** Zeroes the arrays handed out as the {@code from}-th to the {@code (to-1)}-th since the last reset. */
    void zero(int from, int to) {
        for (int i = from; i < to; i++) Arrays.fill(buffers.get(i), 0f);
    }

    /** How many arrays have been handed out since the last reset. */
    int taken() { return next; }

    long bytesHeld() {
        long n = 0;
        for (float[] b : buffers) n += 4L * b.length;
        return n;
    }
}
