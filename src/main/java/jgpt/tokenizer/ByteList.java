package jgpt.tokenizer;

import java.util.Arrays;

/** A growable byte array reused across calls (the normalized text of one encode). */
final class ByteList {
    private byte[] a;
    private int n;

    ByteList(int capacity) {
        a = new byte[Math.max(16, capacity)];
    }

    void clear() {
        n = 0;
    }

    int size() {
        return n;
    }

    /** The backing array; valid up to {@link #size()}. */
    byte[] array() {
        return a;
    }

    void add(byte b) {
        if (n == a.length) a = Arrays.copyOf(a, n * 2);
        a[n++] = b;
    }

    void addAll(byte[] b) {
        if (n + b.length > a.length) a = Arrays.copyOf(a, Math.max(n * 2, n + b.length));
        System.arraycopy(b, 0, a, n, b.length);
        n += b.length;
    }

    boolean endsWith(byte[] b) {
        return n >= b.length && Arrays.equals(a, n - b.length, n, b, 0, b.length);
    }

    void truncate(int size) {
        n = size;
    }
}
