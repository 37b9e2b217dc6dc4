package jgpt.inspect.embed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import jgpt.UserException;

/**
 * Finds the embedding of a word the way it appears in running text: with its leading space first (GPT-2's
 * "Ġking"), then bare ("king"); a word that is neither a single token is the mean of the tokens of " word"
 * (leading whitespace-only tokens dropped, so a character-level model averages the letters).
 * <pre>{@code
 * WordVector king = new WordLookup(embeddings).find("king");
 * }</pre>
 */
public final class WordLookup {
    private final TokenEmbeddings emb;

    public WordLookup(TokenEmbeddings emb) {
        this.emb = emb;
    }

    public WordVector find(String word) {
        if (word.isBlank()) throw new UserException("an empty word has no embedding; give a word such as king");
        for (String form : new String[] {" " + word, word}) {
            int[] ids = encodeOrNull(form);
            if (ids != null && ids.length == 1 && emb.usable(ids[0])) return vectorOf(word, ids);
        }
        int[] ids = encodeOrNull(" " + word);
        if (ids == null) ids = encodeOrNull(word);
        if (ids != null) {
            int start = 0;
            while (start < ids.length - 1 && emb.text(ids[start]).isBlank()) start++;
            ids = Arrays.copyOfRange(ids, start, ids.length);
            boolean allUsable = ids.length > 0;
            for (int id : ids) allUsable &= emb.usable(id);
            if (allUsable) return vectorOf(word, ids);
        }
        throw new UserException("unknown word '" + word + "': it is not in this model's vocabulary" + suggestions(word));
    }

    private int[] encodeOrNull(String text) {
        try {
            int[] ids = emb.tokenizer().encode(text);
            for (int id : ids) if (id < 0 || id >= emb.rows()) return null;
            return ids;
        } catch (UserException e) { // a character-level tokenizer refuses characters outside its alphabet
            return null;
        }
    }

    private WordVector vectorOf(String word, int[] ids) {
        float[] mean = new float[emb.dim()];
        List<String> texts = new ArrayList<>();
        for (int id : ids) {
            float[] r = emb.row(id);
            for (int j = 0; j < mean.length; j++) mean[j] += r[j] / ids.length;
            texts.add(emb.text(id));
        }
        return new WordVector(word, ids, texts, mean);
    }

    /** The nearest spellings among the vocabulary's tokens (edit distance, leading space ignored). */
    private String suggestions(String word) {
        record Candidate(String text, int distance) {}
        List<Candidate> best = new ArrayList<>();
        String w = word.toLowerCase(Locale.ROOT);
        for (int id = 0; id < emb.rows(); id++) {
            if (!emb.usable(id)) continue;
            String t = emb.text(id).strip();
            if (t.isEmpty() || t.startsWith("\\x")) continue;
            int d = editDistance(w, t.toLowerCase(Locale.ROOT));
            if (best.stream().anyMatch(c -> c.text.equals(t))) continue;
            best.add(new Candidate(t, d));
            best.sort((a, b) -> a.distance != b.distance ? Integer.compare(a.distance, b.distance) : a.text.compareTo(b.text));
            if (best.size() > 5) best.removeLast();
        }
        if (best.isEmpty()) return "";
        return "; nearest spellings: " + String.join(", ", best.stream().map(c -> c.text).toList());
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
