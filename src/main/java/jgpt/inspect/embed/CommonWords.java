package jgpt.inspect.embed;

import java.util.ArrayList;
import java.util.List;

/**
 * The first n word tokens of a vocabulary: ids in order, keeping tokens that are a whole word (letters, with or
 * without GPT-2's leading space). A BPE vocabulary numbers its merges in the order they were learned, most
 * frequent pairs first, so its lowest word ids are roughly its most common words; a character-level vocabulary
 * gives its letters.
 */
public final class CommonWords {
    private CommonWords() {}

    public static List<Integer> firstWordIds(TokenEmbeddings emb, int n) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < emb.rows() && ids.size() < n; id++) {
            if (emb.usable(id) && isWord(emb.text(id))) ids.add(id);
        }
        return ids;
    }

    static boolean isWord(String text) {
        String t = text.startsWith(" ") ? text.substring(1) : text;
        return !t.isEmpty() && t.codePoints().allMatch(Character::isLetter);
    }
}
