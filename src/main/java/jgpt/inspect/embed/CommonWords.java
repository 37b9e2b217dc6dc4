package jgpt.inspect.embed;

import java.util.ArrayList;
import java.util.List;

/**
 * The first n word tokens of a vocabulary: ids in order, keeping tokens that are a whole word (letters after
 * GPT-2's leading space; for a vocabulary without such tokens, letters alone). A BPE vocabulary numbers its merges in the order they were learned, most
 * frequent pairs first, so its lowest word ids are roughly its most common words; a character-level vocabulary
 * gives its letters.
 */
public final class CommonWords {
    private CommonWords() {}

    public static List<Integer> firstWordIds(TokenEmbeddings emb, int n) {
        // a vocabulary with space-led word tokens (GPT-2's "Ġking") keeps only those: bare pieces are mostly word ends
        boolean spaceLed = false;
        for (int id = 0; id < emb.rows() && !spaceLed; id++) spaceLed = emb.usable(id) && isWord(emb.text(id), true);
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < emb.rows() && ids.size() < n; id++) {
            if (emb.usable(id) && isWord(emb.text(id), spaceLed)) ids.add(id);
        }
        return ids;
    }

    static boolean isWord(String text, boolean leadingSpace) {
        if (leadingSpace && !text.startsWith(" ")) return false;
        String t = text.startsWith(" ") ? text.substring(1) : text;
        return !t.isEmpty() && t.codePoints().allMatch(Character::isLetter);
    }
}
