package jgpt.tokenizer;

/**
 * Unigram segmentation (Kudo 2018): the Viterbi path through the lattice of all pieces that occur in the normalized
 * text, maximising the sum of piece log-probabilities. A character that no single-character piece covers gets the
 * unknown id at (lowest score − 10); user-defined symbols get {@code length × highest score − 0.1} so they always win.
 *
 * <p>Follows SentencePiece's optimized encoder exactly: scores summed in float, candidates visited by start position
 * then by length, a later candidate replaces the best only when strictly better — so ties resolve the same way.
 */
final class UnigramEncoder implements SentencePieceTokenizer.Segmenter {
    private static final float UNK_PENALTY = 10.0f;

    private final SentencePieceModel model;
    private final DoubleArrayTrie trie;
    private final float unkScore;
    private final float maxScore;
    private final float[] scores; // copies of the model's, read in the innermost loop
    private final byte[] types;

    UnigramEncoder(SentencePieceModel model, DoubleArrayTrie pieces) {
        this.model = model;
        this.trie = pieces;
        float min = Float.MAX_VALUE, max = Float.MIN_VALUE; // C++ FLT_MIN: the smallest positive float
        for (int i = 0; i < model.size(); i++) {
            if (model.type(i) == SentencePieceModel.NORMAL) {
                min = Math.min(min, model.score(i));
                max = Math.max(max, model.score(i));
            }
        }
        if (min == Float.MAX_VALUE) min = 0;
        if (max == Float.MIN_VALUE) max = 0;
        this.unkScore = min - UNK_PENALTY;
        this.maxScore = max;
        this.scores = new float[model.size()];
        this.types = new byte[model.size()];
        for (int i = 0; i < model.size(); i++) {
            scores[i] = model.score(i);
            types[i] = model.type(i);
        }
    }

    @Override
    public void segment(byte[] s, int size, IntList out, EncodeScratch scratch) {
        float[] best = scratch.floats(size + 1);  // score of the best path ending at each byte position
        int[] startsAt = scratch.ints0(size + 1); // where the last piece of that path starts, -1 = no path yet
        int[] ids = scratch.ints1(size + 1);
        java.util.Arrays.fill(startsAt, 0, size + 1, -1);
        best[0] = 0;
        int unkId = model.unkId();
        for (int start = 0; start < size; ) {
            float tillHere = best[start];
            int mblen = SentencePieceNormalizer.oneCharLength(s, start, size);
            boolean hasSingleNode = false;
            int node = DoubleArrayTrie.ROOT;
            for (int pos = start; pos < size; ) {
                node = trie.child(node, s[pos] & 0xFF);
                pos++;
                if (node < 0) break;
                int id = trie.value(node);
                if (id < 0) continue;
                byte type = types[id];
                if (type == SentencePieceModel.UNUSED) continue;
                int length = pos - start;
                if (type == SentencePieceModel.USER_DEFINED) {
                    double candidate = ((float) length * maxScore - 0.1) + tillHere;
                    if (startsAt[pos] == -1 || candidate > best[pos]) set(best, startsAt, ids, pos, (float) candidate, start, id);
                } else {
                    float candidate = scores[id] + tillHere;
                    if (startsAt[pos] == -1 || candidate > best[pos]) set(best, startsAt, ids, pos, candidate, start, id);
                }
                if (length == mblen) hasSingleNode = true;
            }
            if (!hasSingleNode) {
                int end = start + mblen;
                float candidate = unkScore + tillHere;
                if (startsAt[end] == -1 || candidate > best[end]) set(best, startsAt, ids, end, candidate, start, unkId);
            }
            start += mblen;
        }
        int n = 0;
        for (int end = size; end > 0; end = startsAt[end]) n++;
        int[] path = scratch.ints2(3 * n); // backtracking yields the pieces last-first
        for (int end = size, k = n - 1; end > 0; end = startsAt[end], k--) {
            path[3 * k] = startsAt[end];
            path[3 * k + 1] = end;
            path[3 * k + 2] = ids[end];
        }
        out.addAll(path, 0, 3 * n);
    }

    private static void set(float[] best, int[] startsAt, int[] ids, int at, float score, int start, int id) {
        best[at] = score;
        startsAt[at] = start;
        ids[at] = id;
    }
}
