package jgpt.model;

/**
 * Keys and values of every past position, per layer, preallocated to the context length so decoding
 * never allocates. Layout per layer: [blockSize, C] for keys and for values.
 */
public final class KvCache {
    final float[][] keys;
    final float[][] values;
    private final int capacity;
    private int length;

    KvCache(GptConfig cfg) {
        this.capacity = cfg.blockSize();
        this.keys = new float[cfg.nLayer()][capacity * cfg.nEmbd()];
        this.values = new float[cfg.nLayer()][capacity * cfg.nEmbd()];
    }

    /** Positions filled so far (the next token goes at this position). */
    public int length() { return length; }

    public int capacity() { return capacity; }

    public boolean isFull() { return length == capacity; }

    void advance() { length++; }

    public void clear() { length = 0; }
}
