package jgpt.tokenizer;

import jgpt.UserException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Trains a byte-level BPE (minbpe style) on a corpus split with GPT-2's pre-tokeniser.
 * Ids 0..255 are the single bytes; every merge adds the next id. Each step merges the most
 * frequent adjacent pair; <b>ties go to the smallest (left id, right id)</b>, so training is
 * deterministic. Unique chunks are counted once and pair counts are updated incrementally.
 * <pre>{@code
 * ByteLevelBpe bpe = BpeTrainer.train(corpus, 2048, true); // ids 0..2046 learned, 2047 = <|endoftext|>
 * bpe.save(Path.of("runs/my-tokenizer"));
 * }</pre>
 *
 * <p>If a merge produces bytes that already are a token (possible across different chunks) the existing
 * id is reused, so the vocabulary never holds two ids with the same bytes (as Hugging Face files require);
 * training then continues until the requested size is reached. Training stops early when no pair is left.
 */
public final class BpeTrainer {
    // chunks: unique pre-tokenised byte strings, symbols stored flat
    private int[] sym;
    private int[] start;
    private int[] len;
    private long[] freq;
    private int chunks;

    // pairs: index p -> key, count, chunks that (may) contain it
    private final LongLongMap pairIndex = new LongLongMap(1 << 16);
    private long[] pairKey = new long[1 << 16];
    private long[] pairCount = new long[1 << 16];
    private IntList[] pairWhere = new IntList[1 << 16];
    /** Pairs already merged; never merged twice (possible only when a merge reused an existing id). */
    private boolean[] pairDone = new boolean[1 << 16];
    private int pairs;

    // max-heap of (count, pair) with lazy invalidation
    private long[] heapCount = new long[1 << 16];
    private int[] heapPair = new int[1 << 16];
    private int heapSize;

    private BpeTrainer() {}

    /**
     * Trains on {@code corpus}. {@code vocabSize} counts all ids, including {@code <|endoftext|>}
     * (appended as the last id) when {@code addEndOfText} is set.
     */
    public static ByteLevelBpe train(String corpus, int vocabSize, boolean addEndOfText) {
        int minimum = 256 + (addEndOfText ? 1 : 0);
        if (vocabSize < minimum) {
            throw new UserException("vocab size " + vocabSize + " is too small; byte-level BPE needs at least "
                    + minimum + " (256 bytes" + (addEndOfText ? " + <|endoftext|>" : "") + ")");
        }
        return new BpeTrainer().run(corpus, vocabSize - (addEndOfText ? 1 : 0), addEndOfText);
    }

    private ByteLevelBpe run(String corpus, int learnedVocab, boolean addEndOfText) {
        countChunks(corpus);
        countPairs();
        List<byte[]> tokens = new ArrayList<>();
        BytesIntMap tokenIds = new BytesIntMap(learnedVocab);
        for (int b = 0; b < 256; b++) {
            byte[] t = {(byte) b};
            tokens.add(t);
            tokenIds.put(t, b);
        }
        List<int[]> merges = new ArrayList<>();
        int[] seen = new int[chunks];
        int[] touched = new int[0];
        int stamp = 0;
        while (tokens.size() < learnedVocab) {
            int p = popBest();
            if (p < 0) {
                break;
            }
            int a = (int) (pairKey[p] >>> 32);
            int b = (int) pairKey[p];
            byte[] bytes = ByteUnicode.concat(tokens.get(a), tokens.get(b));
            int z = tokenIds.get(bytes);
            if (z < 0) {
                z = tokens.size();
                tokens.add(bytes);
                tokenIds.put(bytes, z);
            }
            merges.add(new int[] {a, b});
            stamp++;
            IntList where = pairWhere[p];
            pairWhere[p] = null;
            pairDone[p] = true;
            IntList newPairs = new IntList();
            for (int w = 0; w < where.size(); w++) {
                int c = where.get(w);
                if (seen[c] == stamp) {
                    continue;
                }
                seen[c] = stamp;
                mergeInChunk(c, a, b, z, newPairs);
            }
            if (touched.length < pairs) {
                touched = Arrays.copyOf(touched, Math.max(pairs, touched.length * 2));
            }
            for (int i = 0; i < newPairs.size(); i++) {
                int q = newPairs.get(i);
                if (touched[q] != stamp && pairCount[q] > 0) {
                    touched[q] = stamp;
                    heapPush(pairCount[q], q);
                }
            }
        }
        byte[][] tokenArray = tokens.toArray(new byte[0][]);
        int[][] mergeArray = merges.toArray(new int[0][]);
        return addEndOfText
                ? ByteLevelBpe.fromMerges(tokenArray, mergeArray, List.of(ByteLevelBpe.END_OF_TEXT), List.of(tokenArray.length))
                : ByteLevelBpe.fromMerges(tokenArray, mergeArray, List.of(), List.of());
    }

    /** Pre-tokenises the corpus and keeps each distinct piece (of 2+ bytes) once with its frequency. */
    private void countChunks(String corpus) {
        char[] s = corpus.toCharArray();
        BytesIntMap index = new BytesIntMap(1 << 16);
        byte[] buf = new byte[256];
        IntList symbols = new IntList(1 << 16);
        start = new int[1 << 12];
        len = new int[1 << 12];
        freq = new long[1 << 12];
        for (int i = 0; i < s.length; ) {
            int j = Gpt2PreTokenizer.pieceEnd(s, i, s.length);
            if (Utf8.maxBytes(j - i) > buf.length) {
                buf = new byte[Utf8.maxBytes(j - i) * 2];
            }
            int n = Utf8.encode(s, i, j, buf, 0);
            i = j;
            if (n < 2) {
                continue;
            }
            int c = index.get(buf, 0, n);
            if (c < 0) {
                c = chunks++;
                index.put(Arrays.copyOf(buf, n), c);
                if (c == start.length) {
                    start = Arrays.copyOf(start, c * 2);
                    len = Arrays.copyOf(len, c * 2);
                    freq = Arrays.copyOf(freq, c * 2);
                }
                start[c] = symbols.size();
                len[c] = n;
                for (int k = 0; k < n; k++) {
                    symbols.add(buf[k] & 0xFF);
                }
            }
            freq[c]++;
        }
        sym = symbols.toArray();
    }

    private void countPairs() {
        for (int c = 0; c < chunks; c++) {
            int s0 = start[c];
            for (int i = s0; i < s0 + len[c] - 1; i++) {
                int p = pairOf(sym[i], sym[i + 1]);
                pairCount[p] += freq[c];
                if (pairWhere[p].last() != c) {
                    pairWhere[p].add(c);
                }
            }
        }
        for (int p = 0; p < pairs; p++) {
            heapPush(pairCount[p], p);
        }
    }

    /** Index of pair (a, b), created with count 0 if new. */
    private int pairOf(int a, int b) {
        long key = LongLongMap.pair(a, b);
        long p = pairIndex.get(key);
        if (p >= 0) {
            return (int) p;
        }
        int q = pairs++;
        if (q == pairKey.length) {
            pairKey = Arrays.copyOf(pairKey, q * 2);
            pairCount = Arrays.copyOf(pairCount, q * 2);
            pairWhere = Arrays.copyOf(pairWhere, q * 2);
            pairDone = Arrays.copyOf(pairDone, q * 2);
        }
        pairKey[q] = key;
        pairWhere[q] = new IntList(4);
        pairIndex.put(key, q);
        return q;
    }

    /** Replaces every (a, b) in chunk c by z (left to right), moving the chunk's pair counts. */
    private void mergeInChunk(int c, int a, int b, int z, IntList newPairs) {
        int s0 = start[c];
        int n = len[c];
        boolean found = false;
        for (int i = s0; i < s0 + n - 1; i++) {
            if (sym[i] == a && sym[i + 1] == b) {
                found = true;
                break;
            }
        }
        if (!found) {
            return;
        }
        long f = freq[c];
        for (int i = s0; i < s0 + n - 1; i++) {
            pairCount[pairOf(sym[i], sym[i + 1])] -= f;
        }
        int w = s0;
        for (int r = s0; r < s0 + n; r++) {
            if (r + 1 < s0 + n && sym[r] == a && sym[r + 1] == b) {
                sym[w++] = z;
                r++;
            } else {
                sym[w++] = sym[r];
            }
        }
        n = w - s0;
        len[c] = n;
        for (int i = s0; i < s0 + n - 1; i++) {
            int p = pairOf(sym[i], sym[i + 1]);
            pairCount[p] += f;
            if (sym[i] == z || sym[i + 1] == z) {
                if (pairWhere[p] == null) {
                    pairWhere[p] = new IntList(4);
                }
                if (pairWhere[p].last() != c) {
                    pairWhere[p].add(c);
                }
                newPairs.add(p);
            }
        }
    }

    // ------------------------------------------------------------------ heap: count desc, then key asc

    private boolean before(long countA, int pairA, long countB, int pairB) {
        return countA > countB || (countA == countB && pairKey[pairA] < pairKey[pairB]);
    }

    private void heapPush(long count, int p) {
        if (heapSize == heapCount.length) {
            heapCount = Arrays.copyOf(heapCount, heapSize * 2);
            heapPair = Arrays.copyOf(heapPair, heapSize * 2);
        }
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(count, p, heapCount[parent], heapPair[parent])) {
                break;
            }
            heapCount[i] = heapCount[parent];
            heapPair[i] = heapPair[parent];
            i = parent;
        }
        heapCount[i] = count;
        heapPair[i] = p;
    }

    private void heapPopTop() {
        long count = heapCount[--heapSize];
        int p = heapPair[heapSize];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && before(heapCount[child + 1], heapPair[child + 1], heapCount[child], heapPair[child])) {
                child++;
            }
            if (!before(heapCount[child], heapPair[child], count, p)) {
                break;
            }
            heapCount[i] = heapCount[child];
            heapPair[i] = heapPair[child];
            i = child;
        }
        heapCount[i] = count;
        heapPair[i] = p;
    }

    /** The pair with the highest current count (ties: smallest key), or -1 when none is left. */
    private int popBest() {
        while (heapSize > 0) {
            long count = heapCount[0];
            int p = heapPair[0];
            heapPopTop();
            long actual = pairCount[p];
            if (actual <= 0 || pairDone[p]) {
                continue;
            }
            if (actual != count) {
                heapPush(actual, p);
                continue;
            }
            return p;
        }
        return -1;
    }

    /**
     * Command line: {@code BpeTrainer <corpus.txt> <vocabSize> [outDir]} trains (with {@code <|endoftext|>}),
     * prints the training speed in MB/s and optionally saves the Hugging Face files.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: BpeTrainer <corpus.txt> <vocabSize> [outDir]");
            System.exit(2);
        }
        String corpus = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        int vocab = Integer.parseInt(args[1]);
        double mb = corpus.getBytes(StandardCharsets.UTF_8).length / 1e6;
        for (int warm = 0; warm < 2; warm++) {
            train(corpus, vocab, true);
        }
        long t0 = System.nanoTime();
        ByteLevelBpe bpe = train(corpus, vocab, true);
        double s = (System.nanoTime() - t0) / 1e9;
        int tokens = bpe.encode(corpus).length;
        System.out.printf("trained vocab %d on %.2f MB in %.3f s = %.2f MB/s; corpus -> %d tokens (%.2f bytes/token)%n",
                bpe.vocabSize(), mb, s, mb / s, tokens, mb * 1e6 / tokens);
        if (args.length > 2) {
            bpe.save(Path.of(args[2]));
            System.out.println("saved to " + args[2]);
        }
    }
}
