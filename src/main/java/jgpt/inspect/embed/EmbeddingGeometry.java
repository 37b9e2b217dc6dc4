package jgpt.inspect.embed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import jgpt.UserException;

/**
 * Nearest neighbours, analogies and directions in the token embedding space, with word2vec/gensim's
 * conventions: cosine similarity of unit-length vectors, the query words themselves left out of the answers.
 * <pre>{@code
 * var geometry = new EmbeddingGeometry(TokenEmbeddings.load(dir));
 * geometry.analogy("king", "man", "woman", 5); // king - man + woman
 * }</pre>
 */
public final class EmbeddingGeometry {
    /** One answer: a token and its cosine similarity to the query. */
    public record Match(int id, String text, double cosine) {}

    /** One probe of a direction: the word and the dot product of its vector with (to - from). */
    public record Projection(WordVector probe, double dot) {}

    private final TokenEmbeddings emb;
    private final WordLookup lookup;
    private final float[] unitRows; // (V, C), each usable row scaled to length 1 (zero rows stay zero)

    public EmbeddingGeometry(TokenEmbeddings emb) {
        this.emb = emb;
        this.lookup = new WordLookup(emb);
        int c = emb.dim();
        float[] w = emb.weights();
        unitRows = new float[w.length];
        for (int id = 0; id < emb.rows(); id++) {
            double norm = 0;
            for (int j = 0; j < c; j++) norm += (double) w[id * c + j] * w[id * c + j];
            if (norm == 0) continue;
            float inv = (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < c; j++) unitRows[id * c + j] = w[id * c + j] * inv;
        }
    }

    public WordVector word(String word) { return lookup.find(word); }

    /** The {@code top} tokens nearest to the word (its own tokens excluded). */
    public List<Match> neighbours(WordVector word, int top) {
        return nearest(unit(word.vector()), top, word.ids());
    }

    /**
     * The tokens nearest to a - b + c (gensim's most_similar(positive=[a, c], negative=[b])): the unit vectors
     * of the three words are added with signs +, -, +, the sum is scaled to unit length, and the three words'
     * tokens are excluded.
     */
    public List<Match> analogy(WordVector a, WordVector b, WordVector c, int top) {
        float[] ua = unit(a.vector()), ub = unit(b.vector()), uc = unit(c.vector());
        float[] q = new float[emb.dim()];
        for (int j = 0; j < q.length; j++) q[j] = ua[j] - ub[j] + uc[j];
        return nearest(unit(q), top, concat(a.ids(), b.ids(), c.ids()));
    }

    /** Dot product of each probe's vector with (to - from), largest first. */
    public List<Projection> direction(WordVector from, WordVector to, List<WordVector> probes) {
        float[] d = new float[emb.dim()];
        for (int j = 0; j < d.length; j++) d[j] = to.vector()[j] - from.vector()[j];
        List<Projection> out = new ArrayList<>();
        for (WordVector p : probes) {
            double dot = 0;
            for (int j = 0; j < d.length; j++) dot += (double) p.vector()[j] * d[j];
            out.add(new Projection(p, dot));
        }
        out.sort(Comparator.comparingDouble(Projection::dot).reversed());
        return out;
    }

    private List<Match> nearest(float[] unitQuery, int top, int[] exclude) {
        if (top < 1) throw new UserException("--top must be at least 1, got " + top);
        int c = emb.dim();
        List<Match> best = new ArrayList<>(top + 1);
        for (int id = 0; id < emb.rows(); id++) {
            if (!emb.usable(id) || contains(exclude, id)) continue;
            double dot = 0;
            for (int j = 0; j < c; j++) dot += (double) unitRows[id * c + j] * unitQuery[j];
            if (best.size() == top && dot <= best.getLast().cosine()) continue;
            Match m = new Match(id, emb.text(id), dot);
            int at = best.size();
            while (at > 0 && best.get(at - 1).cosine() < dot) at--;
            best.add(at, m);
            if (best.size() > top) best.removeLast();
        }
        return best;
    }

    static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) norm += (double) x * x;
        float[] u = new float[v.length];
        if (norm == 0) return u;
        float inv = (float) (1 / Math.sqrt(norm));
        for (int j = 0; j < v.length; j++) u[j] = v[j] * inv;
        return u;
    }

    private static boolean contains(int[] ids, int id) {
        for (int x : ids) if (x == id) return true;
        return false;
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
