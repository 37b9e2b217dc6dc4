package jgpt.model;

/**
 * Keys and values of every past position, per layer, preallocated to the context length so decoding
 * never allocates. Keys are channel-major ([C, blockSize]: channel ch of position p at ch*blockSize + p) so
 * attention scores of all positions are contiguous axpys; values are position-major ([blockSize, C]).
 */
public final class KvCache {
    final float[][] keys;
    final float[][] values;
    private final int capacity, c;
    private int length;

    KvCache(GptConfig cfg) {
        this.capacity = cfg.blockSize();
        this.c = cfg.nEmbd();
        this.keys = new float[cfg.nLayer()][capacity * c];
        this.values = new float[cfg.nLayer()][capacity * c];
    }

    /** Stores the key at src[kOff, +C) and the value at src[vOff, +C) of position pos in layer. */
    void put(int layer, int pos, float[] src, int kOff, int vOff) {
        float[] k = keys[layer];
        for (int ch = 0; ch < c; ch++) k[ch * capacity + pos] = src[kOff + ch];
        System.arraycopy(src, vOff, values[layer], pos * c, c);
    }

    /** Positions filled so far (the next token goes at this position). */
    public int length() { return length; }

    public int capacity() { return capacity; }

    public boolean isFull() { return length == capacity; }

    void advance(int n) { length += n; }

    public void clear() { length = 0; }
}
