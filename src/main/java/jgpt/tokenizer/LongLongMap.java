package jgpt.tokenizer;

import java.util.Arrays;

/**
 * Open-addressing hash map from non-negative long keys to long values, without boxing;
 * used for merge ranks keyed by {@code (left id << 32) | right id}.
 * <pre>{@code
 * LongLongMap m = new LongLongMap(16); m.put(LongLongMap.pair(3, 7), 99);
 * long v = m.get(LongLongMap.pair(3, 7)); // -1 when absent
 * }</pre>
 */
public final class LongLongMap {
    private long[] keys;
    private long[] values;
    private int mask;
    private int size;

    public LongLongMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new long[cap];
        Arrays.fill(keys, -1L);
        mask = cap - 1;
    }

    /** Packs two non-negative ids into one key. */
    public static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 41));
    }

    /** Value for {@code key}, or -1 when absent. */
    public long get(long key) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == -1L) {
                return -1L;
            }
            i = (i + 1) & mask;
        }
    }

    /** Sets {@code key} to {@code value} (key must be >= 0). */
    public void put(long key, long value) {
        int i = hash(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                values[i] = value;
                return;
            }
            if (k == -1L) {
                keys[i] = key;
                values[i] = value;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /** Puts only when absent; returns true if it was inserted. */
    public boolean putIfAbsent(long key, long value) {
        if (get(key) != -1L) {
            return false;
        }
        put(key, value);
        return true;
    }

    public int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        Arrays.fill(keys, -1L);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != -1L) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
