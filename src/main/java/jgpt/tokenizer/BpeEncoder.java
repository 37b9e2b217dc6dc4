package jgpt.tokenizer;

/**
 * The encoding engine of a {@link ByteLevelBpe}: GPT-2 pre-tokenisation, UTF-8 conversion and
 * lowest-rank-first merging of each piece. Holds scratch buffers, so one instance per thread.
 * <pre>{@code
 * BpeEncoder enc = new BpeEncoder(bpe);
 * enc.encode(chars, 0, chars.length, ids);
 * }</pre>
 */
final class BpeEncoder {
    /** Pieces longer than this (in bytes) use the heap-based merge, O(n log n). */
    private static final int SMALL_PIECE = 64;
    private static final long NONE = Long.MAX_VALUE;
    /** Pieces (up to this many bytes) that are not whole tokens get their ids cached. */
    private static final int CACHE_MAX_PIECE = 32;
    private static final int CACHE_ENTRIES = 1 << 15;

    private final LongLongMap pairs;
    private final BytesIntMap whole;
    private final int[] byteIds;

    private byte[] buf = new byte[256];
    private int[] ids = new int[256];
    private long[] ranks = new long[256];
    private int[] next = new int[0];
    private int[] prev = new int[0];
    private final LongMinHeap heap = new LongMinHeap(64);

    // piece cache: bytes -> (offset << 8 | count) into cachePool; cleared when full
    private final BytesIntMap cache = new BytesIntMap(CACHE_ENTRIES);
    private int[] cachePool = new int[CACHE_ENTRIES * 4];
    private int cachePoolSize;

    BpeEncoder(LongLongMap pairs, BytesIntMap whole, int[] byteIds) {
        this.pairs = pairs;
        this.whole = whole;
        this.byteIds = byteIds;
    }

    /** Encodes chars [from, to) of ordinary text, appending ids to {@code out}. */
    void encode(char[] s, int from, int to, IntList out) {
        int i = from;
        while (i < to) {
            int j = Gpt2PreTokenizer.pieceEnd(s, i, to);
            int need = Utf8.maxBytes(j - i);
            if (need > buf.length) {
                buf = new byte[Math.max(need, buf.length * 2)];
            }
            int n = Utf8.encode(s, i, j, buf, 0);
            encodePiece(buf, n, out);
            i = j;
        }
    }

    /** Encodes one pre-tokenised piece held in {@code b[0, n)}. */
    void encodePiece(byte[] b, int n, IntList out) {
        if (n == 1) {
            out.add(byteIds[b[0] & 0xFF]);
            return;
        }
        if (whole != null) {
            int id = whole.get(b, 0, n);
            if (id >= 0) {
                out.add(id);
                return;
            }
        }
        if (n <= CACHE_MAX_PIECE) {
            int c = cache.get(b, 0, n);
            if (c >= 0) {
                out.addAll(cachePool, c >>> 8, (c >>> 8) + (c & 0xFF));
                return;
            }
            int m = mergeSmall(b, n, Long.MAX_VALUE);
            out.addAll(ids, 0, m);
            remember(b, n, m);
        } else if (n <= SMALL_PIECE) {
            int m = mergeSmall(b, n, Long.MAX_VALUE);
            out.addAll(ids, 0, m);
        } else {
            mergeLarge(b, n, out);
        }
    }

    private void remember(byte[] b, int n, int m) {
        if (cache.size() >= CACHE_ENTRIES || cachePoolSize + m > cachePool.length) {
            cache.clear();
            cachePoolSize = 0;
        }
        System.arraycopy(ids, 0, cachePool, cachePoolSize, m);
        cache.put(java.util.Arrays.copyOf(b, n), cachePoolSize << 8 | m);
        cachePoolSize += m;
    }

    private long lookup(int left, int right, long maxRank) {
        long v = pairs.get(LongLongMap.pair(left, right));
        return v < 0 || (v >>> 32) >= maxRank ? NONE : v;
    }

    /**
     * Quadratic merge for short byte strings, using only merges with rank below {@code maxRank};
     * leaves the resulting ids in {@code ids[0, m)} and returns m.
     */
    int mergeSmall(byte[] b, int n, long maxRank) {
        if (n > ids.length) {
            ids = new int[Math.max(n, ids.length * 2)];
            ranks = new long[ids.length];
        }
        int[] t = ids;
        long[] r = ranks;
        for (int i = 0; i < n; i++) {
            t[i] = byteIds[b[i] & 0xFF];
        }
        for (int i = 0; i < n - 1; i++) {
            r[i] = lookup(t[i], t[i + 1], maxRank);
        }
        int m = n;
        while (m > 1) {
            long best = NONE;
            int at = -1;
            for (int i = 0; i < m - 1; i++) {
                if (r[i] < best) {
                    best = r[i];
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            t[at] = (int) best;
            System.arraycopy(t, at + 2, t, at + 1, m - at - 2);
            System.arraycopy(r, at + 2, r, at + 1, m - at - 3 > 0 ? m - at - 3 : 0);
            m--;
            if (at > 0) {
                r[at - 1] = lookup(t[at - 1], t[at], maxRank);
            }
            if (at < m - 1) {
                r[at] = lookup(t[at], t[at + 1], maxRank);
            }
        }
        return m;
    }

    /** Linked-list + heap merge for long pieces; same result as {@link #mergeSmall}. */
    private void mergeLarge(byte[] b, int n, IntList out) {
        if (n > ids.length) {
            ids = new int[Math.max(n, ids.length * 2)];
            ranks = new long[ids.length];
        }
        if (n > next.length) {
            next = new int[Math.max(n, next.length * 2)];
            prev = new int[next.length];
        }
        int[] t = ids;
        heap.clear();
        for (int i = 0; i < n; i++) {
            t[i] = byteIds[b[i] & 0xFF];
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        for (int i = 0; i < n - 1; i++) {
            long v = lookup(t[i], t[i + 1], Long.MAX_VALUE);
            if (v != NONE) {
                heap.push((v >>> 32) << 32 | i);
            }
        }
        while (!heap.isEmpty()) {
            long e = heap.pop();
            int pos = (int) (e & 0xFFFFFFFFL);
            int nx = next[pos];
            if (nx < 0 || prev[pos] == -2) {
                continue;
            }
            long v = lookup(t[pos], t[nx], Long.MAX_VALUE);
            if (v == NONE || (v >>> 32) != (e >>> 32)) {
                continue;
            }
            t[pos] = (int) v;
            int after = next[nx];
            next[pos] = after;
            prev[nx] = -2;
            next[nx] = -1;
            if (after >= 0) {
                prev[after] = pos;
                long w = lookup(t[pos], t[after], Long.MAX_VALUE);
                if (w != NONE) {
                    heap.push((w >>> 32) << 32 | pos);
                }
            }
            int before = prev[pos];
            if (before >= 0) {
                long w = lookup(t[before], t[pos], Long.MAX_VALUE);
                if (w != NONE) {
                    heap.push((w >>> 32) << 32 | before);
                }
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(t[i]);
        }
    }

    /** Ids left in the scratch array by the last {@link #mergeSmall} call. */
    int[] scratchIds() {
        return ids;
    }
}
