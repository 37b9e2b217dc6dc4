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
    private int nextFree = 1;

    private DoubleArrayTrie(int capacity) {
        base = new int[capacity];
        check = new int[capacity];
        value = new int[capacity];
        Arrays.fill(check, -1);
        Arrays.fill(value, -1);
        check[ROOT] = ROOT;
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
        return t;
    }

    /** Lays out the children of {@code node}, which holds {@code keys[lo, hi)} (sorted, sharing their first {@code depth} bytes). */
    private void insert(int node, byte[][] keys, int[] vals, int lo, int hi, int depth) {
        if (lo < hi && keys[lo].length == depth) {
            value[node] = vals[lo];
            lo++;
        }
        if (lo == hi) return;
        int[] labels = new int[256];
        int[] starts = new int[257];
        int count = 0;
        for (int i = lo; i < hi; i++) {
            int b = keys[i][depth] & 0xFF;
            if (count == 0 || labels[count - 1] != b) {
                labels[count] = b;
                starts[count++] = i;
            }
        }
        starts[count] = hi;
        int b = Math.max(1, nextFree - labels[0]);
        search:
        for (;; b++) {
            ensure(b + 256);
            for (int k = 0; k < count; k++) {
                if (check[b + labels[k]] != -1) continue search;
            }
            break;
        }
        base[node] = b;
        for (int k = 0; k < count; k++) check[b + labels[k]] = node;
        while (nextFree < check.length && check[nextFree] != -1) nextFree++;
        for (int k = 0; k < count; k++) insert(b + labels[k], keys, vals, starts[k], starts[k + 1], depth + 1);
    }

    private void ensure(int size) {
        if (size <= check.length) return;
        int n = Math.max(size, check.length * 2);
        int old = check.length;
        base = Arrays.copyOf(base, n);
        check = Arrays.copyOf(check, n);
        value = Arrays.copyOf(value, n);
        Arrays.fill(check, old, n, -1);
        Arrays.fill(value, old, n, -1);
    }

    /** The child of {@code node} on byte {@code b} (0..255), or -1. */
    int child(int node, int b) {
        int c = base[node] + b;
        return c < check.length && check[c] == node && c != ROOT ? c : -1;
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
