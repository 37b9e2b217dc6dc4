package jgpt.train;

/** A read-only sequence of token ids (an in-memory array or a memory-mapped shard). */
public interface TokenSource {
    long length();

    int get(long index);

    /** Copies ids [from, from + n) into dst[off ...]. */
    default void copy(long from, int[] dst, int off, int n) {
        for (int i = 0; i < n; i++) dst[off + i] = get(from + i);
    }

    static TokenSource of(int[] ids) {
        return new TokenSource() {
            @Override public long length() { return ids.length; }
            @Override public int get(long index) { return ids[(int) index]; }
            @Override public void copy(long from, int[] dst, int off, int n) { System.arraycopy(ids, (int) from, dst, off, n); }
        };
    }
}
