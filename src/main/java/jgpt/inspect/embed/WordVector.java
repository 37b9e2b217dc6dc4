package jgpt.inspect.embed;

import java.util.ArrayList;
import java.util.List;

/**
 * A word looked up in the embedding table: the token ids used and their mean vector (one id for a word
 * that is a single token).
 */
public record WordVector(String word, int[] ids, List<String> tokens, float[] vector) {
    public boolean averaged() { return ids.length > 1; }

    /** How the word was read, for the terminal: {@code "king" = 'Ġking' (id 1234)} or the averaged tokens. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) parts.add(TokenText.quoted(tokens.get(i)) + " (id " + ids[i] + ")");
        return "\"" + word + "\" = " + (averaged() ? "average of " + ids.length + " tokens " : "") + String.join(" + ", parts);
    }
}
