package jgpt.tokenizer;

import java.util.HashMap;
import java.util.Map;

/**
 * SentencePiece's BPE segmentation: start from characters (user-defined symbols stay whole and never merge), then
 * repeatedly merge the adjacent pair whose concatenation is the highest-scoring piece (ties: leftmost first), until
 * no pair is a piece. A merge that produced an {@code UNUSED} piece is undone afterwards by splitting it back into the
 * two halves it was made from, recursively — as the reference library does.
 */
final class SentencePieceBpe implements SentencePieceTokenizer.Segmenter {
    private final SentencePieceModel model;
    private final DoubleArrayTrie pieces;
    private final DoubleArrayTrie userDefined; // null when the model has none
    private final boolean hasUnused;

    SentencePieceBpe(SentencePieceModel model, DoubleArrayTrie pieces, DoubleArrayTrie userDefined) {
        this.model = model;
        this.pieces = pieces;
        this.userDefined = userDefined;
        boolean unused = false;
        for (int i = 0; i < model.size(); i++) unused |= model.type(i) == SentencePieceModel.UNUSED;
        this.hasUnused = unused;
    }

    @Override
    public void segment(byte[] s, int size, IntList out, EncodeScratch scratch) {
        // symbols: a doubly linked list over the text; a merged-away symbol has length 0
        int[] begin = scratch.ints0(size), len = scratch.ints1(size), prev = scratch.ints2(size), next = scratch.ints3(size);
        int[] freeze = scratch.ints4(size); // 1 = a user-defined symbol, never merged
        int n = 0;
        for (int pos = 0; pos < size; n++) {
            int m = userDefined == null ? 0 : userDefined.longestPrefix(s, pos, size);
            freeze[n] = m > 0 ? 1 : 0;
            if (m == 0) m = SentencePieceNormalizer.oneCharLength(s, pos, size);
            begin[n] = pos;
            len[n] = m;
            prev[n] = n - 1;
            pos += m;
            next[n] = pos == size ? -1 : n + 1;
        }
        Agenda agenda = scratch.agenda;
        agenda.clear();
        Map<Integer, Integer> splitOfUnused = hasUnused ? new HashMap<>() : null; // unused piece id -> byte length of its left half
        for (int i = 1; i < n; i++) maybeAdd(s, i - 1, i, begin, len, freeze, agenda, splitOfUnused);
        while (!agenda.isEmpty()) {
            int top = agenda.pop();
            int left = agenda.left[top], right = agenda.right[top];
            if (len[left] == 0 || len[right] == 0 || len[left] + len[right] != agenda.size[top]) continue; // stale
            len[left] += len[right];
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            len[right] = 0;
            if (prev[left] >= 0) maybeAdd(s, prev[left], left, begin, len, freeze, agenda, splitOfUnused);
            if (next[left] >= 0) maybeAdd(s, left, next[left], begin, len, freeze, agenda, splitOfUnused);
        }
        for (int i = n == 0 ? -1 : 0; i >= 0; i = next[i]) resegment(s, begin[i], begin[i] + len[i], splitOfUnused, out);
    }

    private void maybeAdd(byte[] s, int left, int right, int[] begin, int[] len, int[] freeze, Agenda agenda,
                          Map<Integer, Integer> splitOfUnused) {
        if (freeze[left] != 0 || freeze[right] != 0) return;
        int from = begin[left], size = len[left] + len[right];
        int id = lookup(s, from, from + size);
        if (id < 0) return;
        agenda.push(model.score(id), left, right, size);
        if (model.type(id) == SentencePieceModel.UNUSED) splitOfUnused.put(id, len[left]);
    }

    private void resegment(byte[] s, int from, int to, Map<Integer, Integer> splitOfUnused, IntList out) {
        int id = lookup(s, from, to);
        if (id < 0) id = model.pieceToId(new String(s, from, to - from, java.nio.charset.StandardCharsets.UTF_8));
        Integer split = splitOfUnused != null && model.type(id) == SentencePieceModel.UNUSED ? splitOfUnused.get(id) : null;
        if (split == null) {
            out.add(from);
            out.add(to);
            out.add(id);
            return;
        }
        resegment(s, from, from + split, splitOfUnused, out);
        resegment(s, from + split, to, splitOfUnused, out);
    }

    /** The id of the piece spelled by {@code s[from, to)} (normal, user-defined or unused), or -1. */
    private int lookup(byte[] s, int from, int to) {
        int node = DoubleArrayTrie.ROOT;
        for (int i = from; i < to && node >= 0; i++) node = pieces.child(node, s[i] & 0xFF);
        return node < 0 ? -1 : pieces.value(node);
    }

    /** A max-heap of candidate merges: highest score first, then the leftmost. */
    static final class Agenda {
        float[] score;
        int[] left, right, size, heap;
        int count, heapSize;

        Agenda(int capacity) {
            score = new float[capacity];
            left = new int[capacity];
            right = new int[capacity];
            size = new int[capacity];
            heap = new int[capacity];
        }

        void clear() {
            count = 0;
            heapSize = 0;
        }

        boolean isEmpty() {
            return heapSize == 0;
        }

        void push(float sc, int l, int r, int sz) {
            if (count == score.length) {
                int c = count * 2;
                score = java.util.Arrays.copyOf(score, c);
                left = java.util.Arrays.copyOf(left, c);
                right = java.util.Arrays.copyOf(right, c);
                size = java.util.Arrays.copyOf(size, c);
                heap = java.util.Arrays.copyOf(heap, c);
            }
            score[count] = sc;
            left[count] = l;
            right[count] = r;
            size[count] = sz;
            int i = heapSize++;
            heap[i] = count++;
            while (i > 0 && before(heap[i], heap[(i - 1) / 2])) {
                swap(i, (i - 1) / 2);
                i = (i - 1) / 2;
            }
        }

        int pop() {
            int top = heap[0];
            heap[0] = heap[--heapSize];
            for (int i = 0; ; ) {
                int l = 2 * i + 1, r = l + 1, m = i;
                if (l < heapSize && before(heap[l], heap[m])) m = l;
                if (r < heapSize && before(heap[r], heap[m])) m = r;
                if (m == i) break;
                swap(i, m);
                i = m;
            }
            return top;
        }

        private boolean before(int a, int b) {
            return score[a] > score[b] || (score[a] == score[b] && left[a] < left[b]);
        }

        private void swap(int i, int j) {
            int t = heap[i];
            heap[i] = heap[j];
            heap[j] = t;
        }
    }
}
