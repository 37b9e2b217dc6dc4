package jgpt.tokenizer;

import java.util.Arrays;

/**
 * Open-addressing hash map from byte strings to ints that can be queried with a slice of a
 * buffer, so looking up a piece allocates nothing.
 * <pre>{@code
 * BytesIntMap m = new BytesIntMap(16); m.put("hi".getBytes(), 5);
 * int id = m.get(buf, 0, 2); // -1 when absent
 * }</pre>
 */
public final class BytesIntMap {
    private byte[][] keys;
    private int[] values;
    private int[] hashes;
    private int mask;
    private int size;

    public BytesIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new byte[cap][];
        values = new int[cap];
        hashes = new int[cap];
        mask = cap - 1;
    }

    static int hash(byte[] b, int off, int len) {
        int h = 0x811C9DC5 ^ len;
        int i = off;
        int end = off + len;
        for (; i + 4 <= end; i += 4) {
            int w = (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | b[i + 3] << 24;
            h = (h ^ w) * 0x9E3779B1;
            h ^= h >>> 15;
        }
        for (; i < end; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        h *= 0x85EBCA6B;
        return h ^ (h >>> 13);
    }

    /** Value for bytes {@code b[off, off+len)}, or -1 when absent. */
    public int get(byte[] b, int off, int len) {
        int h = hash(b, off, len);
        int i = h & mask;
        while (true) {
            byte[] k = keys[i];
            if (k == null) {
                return -1;
            }
            if (hashes[i] == h && k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
    }

    public int get(byte[] key) {
        return get(key, 0, key.length);
    }

    /** Sets the value for {@code key} (the array is kept, not copied). */
    public void put(byte[] key, int value) {
        int h = hash(key, 0, key.length);
        int i = h & mask;
        while (true) {
            byte[] k = keys[i];
            if (k == null) {
                keys[i] = key;
                values[i] = value;
                hashes[i] = h;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            if (hashes[i] == h && Arrays.equals(k, key)) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    public int size() {
        return size;
    }

    /** Removes all entries, keeping the capacity. */
    public void clear() {
        Arrays.fill(keys, null);
        size = 0;
    }

    /** Visits every entry (order unspecified). */
    public void forEach(java.util.function.ObjIntConsumer<byte[]> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                action.accept(keys[i], values[i]);
            }
        }
    }

    private void grow() {
        byte[][] oldKeys = keys;
        int[] oldValues = values;
        keys = new byte[oldKeys.length * 2][];
        values = new int[keys.length];
        hashes = new int[keys.length];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
