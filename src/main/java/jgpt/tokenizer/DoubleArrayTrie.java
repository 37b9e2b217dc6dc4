package jgpt.tokenizer;

import java.util.Arrays;

/**
 * A byte-wise trie in the classic double-array layout (Aoe 1989): the child of {@code node} on byte {@code b} is
 * {@code base[node] + b}, valid when {@code check[child] == node}. Two array reads per input byte, which is what
 * makes the Viterbi lattice of {@link UnigramEncoder} cheap. Built once from the model's pieces.
 * <pre>{@code
 * DoubleArrayTrie t = DoubleArrayTrie.build(keysUtf8, ids);
 * int node = t.child(DoubleArrayTrie.ROOT, 'a'); int id = node < 0 ? -1 : t.value(node);
 * }</pre>
 */
final class DoubleArrayTrie {
    static final int ROOT = 0;

    private int[] base;
    private int[] check;
    private int[] value;
    // after building: base and check of each slot side by side (one cache line per step of a lookup)
    private int[] units;
    // building only: freeFrom[p] leads to the first free slot >= p (union-find with path halving); highest used slot
    private int[] freeFrom;
    private int highWater;

    private DoubleArrayTrie(int capacity) {
        base = new int[capacity];
        check = new int[capacity];
        value = new int[capacity];
        freeFrom = new int[capacity];
        Arrays.fill(check, -1);
        Arrays.fill(value, -1);
        for (int i = 0; i < capacity; i++) freeFrom[i] = i;
        use(ROOT, ROOT);
    }

    /** Builds the trie of {@code keys} (distinct, non-empty byte strings) mapping to {@code values} (≥ 0). */
    static DoubleArrayTrie build(byte[][] keys, int[] values) {
        Integer[] order = new Integer[keys.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Arrays.compareUnsigned(keys[x], keys[y]));
        byte[][] sorted = new byte[keys.length][];
        int[] vals = new int[keys.length];
        for (int i = 0; i < order.length; i++) {
            sorted[i] = keys[order[i]];
            vals[i] = values[order[i]];
        }
        DoubleArrayTrie t = new DoubleArrayTrie(Math.max(1024, keys.length * 4));
        t.insert(ROOT, sorted, vals, 0, sorted.length, 0);
        t.freeFrom = null;
        int n = t.highWater + 257;
        t.units = new int[2 * n];
        for (int i = 0; i < n; i++) {
            t.units[2 * i] = i < t.base.length ? t.base[i] : 0;
            t.units[2 * i + 1] = i < t.check.length ? t.check[i] : -1;
        }
        t.value = Arrays.copyOf(t.value, n);
        for (int i = t.check.length; i < n; i++) t.value[i] = -1;
        t.base = null;
        t.check = null;
        return t;
    }

    /** Lays out the children of {@code node}, which holds {@code keys[lo, hi)} (sorted, sharing their first {@code depth} bytes). */
    private void insert(int node, byte[][] keys, int[] vals, int lo, int hi, int depth) {
        if (lo < hi && keys[lo].length == depth) {
            value[node] = vals[lo];
            lo++;
        }
        if (lo == hi) return;
        int span = Math.min(256, hi - lo);
        int[] labels = new int[span];
        int[] starts = new int[span + 1];
        int count = 0;
        for (int i = lo; i < hi; i++) {
            int b = keys[i][depth] & 0xFF;
            if (count == 0 || labels[count - 1] != b) {
                labels[count] = b;
                starts[count++] = i;
            }
        }
        starts[count] = hi;
        // try free slots for the first label; holes far below the high-water mark are given up on, which keeps the
        // search short (a hole that fits no label would otherwise be retried by every later node)
        int b;
        for (int p = firstFree(Math.max(labels[0] + 1, highWater - WINDOW)); ; p = firstFree(p + 1)) {
            b = p - labels[0];
            ensure(b + 256);
            boolean fits = true;
            for (int k = 1; k < count && fits; k++) fits = check[b + labels[k]] == -1;
            if (fits) break;
        }
        base[node] = b;
        for (int k = 0; k < count; k++) use(b + labels[k], node);
        for (int k = 0; k < count; k++) insert(b + labels[k], keys, vals, starts[k], starts[k + 1], depth + 1);
    }

    private static final int WINDOW = 2048;

    private void use(int slot, int parent) {
        ensure(slot + 2);
        check[slot] = parent;
        freeFrom[slot] = slot + 1;
        highWater = Math.max(highWater, slot);
    }

    private int firstFree(int p) {
        ensure(p + 257);
        while (freeFrom[p] != p) {
            freeFrom[p] = freeFrom[freeFrom[p]];
            p = freeFrom[p];
            ensure(p + 257);
        }
        return p;
    }

    private void ensure(int size) {
        if (size <= check.length) return;
        int n = Math.max(size, check.length * 2);
        int old = check.length;
        base = Arrays.copyOf(base, n);
        check = Arrays.copyOf(check, n);
        value = Arrays.copyOf(value, n);
        freeFrom = Arrays.copyOf(freeFrom, n);
        Arrays.fill(check, old, n, -1);
        Arrays.fill(value, old, n, -1);
        for (int i = old; i < n; i++) freeFrom[i] = i;
    }

    /** The child of {@code node} on byte {@code b} (0..255), or -1. */
    int child(int node, int b) {
        int c = units[2 * node] + b;
        return c < value.length && units[2 * c + 1] == node && c != ROOT ? c : -1;
    }

    /** The value stored at {@code node}, or -1 when no key ends there. */
    int value(int node) {
        return value[node];
    }

    /** Length in bytes of the longest key that prefixes {@code text[from, to)}, or 0. */
    int longestPrefix(byte[] text, int from, int to) {
        int node = ROOT, best = 0;
        for (int i = from; i < to; i++) {
            node = child(node, text[i] & 0xFF);
            if (node < 0) break;
            if (value[node] >= 0) best = i + 1 - from;
        }
        return best;
    }
}
