package jgpt.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenisation split, hand-written so that it gives exactly the pieces of
 * {@link #REGEX} compiled with {@code Pattern.UNICODE_CHARACTER_CLASS}, but much faster.
 * <pre>{@code
 * List<String> pieces = Gpt2PreTokenizer.split("Hello world's"); // ["Hello", " world", "'s"]
 * int end = Gpt2PreTokenizer.pieceEnd(chars, 0, chars.length);
 * }</pre>
 */
public final class Gpt2PreTokenizer {
    /** The original GPT-2 pattern (compile with {@code Pattern.UNICODE_CHARACTER_CLASS}). */
    public static final String REGEX =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** The pattern as jtokkit compiles it; used as the reference in tests. */
    public static final Pattern PATTERN = Pattern.compile(REGEX, Pattern.UNICODE_CHARACTER_CLASS);

    static final byte OTHER = 0;
    static final byte LETTER = 1;
    static final byte NUMBER = 2;
    static final byte SPACE = 3;
    private static final byte HIGH = 4;

    private static final byte[] CLASS = new byte[65536];

    static {
        for (int c = 0; c < 65536; c++) {
            CLASS[c] = Character.isHighSurrogate((char) c) ? HIGH : classOf(c);
        }
    }

    private Gpt2PreTokenizer() {}

    /** Class of one code point: letter (\p{L}), number (\p{N}), Unicode White_Space, or other. */
    static byte classOf(int cp) {
        int type = Character.getType(cp);
        switch (type) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER:
                return LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER:
                return NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR:
                return SPACE;
            default:
                return (cp >= 0x9 && cp <= 0xD) || cp == 0x85 ? SPACE : OTHER;
        }
    }

    /** Class of the code point at {@code i} (a lone surrogate is "other"). */
    private static int classAt(char[] s, int i, int end) {
        int k = CLASS[s[i]];
        if (k == HIGH) {
            return i + 1 < end && Character.isLowSurrogate(s[i + 1])
                    ? classOf(Character.toCodePoint(s[i], s[i + 1])) : OTHER;
        }
        return k;
    }

    /** End of the run of code points of class {@code cls} starting at {@code i}. */
    private static int runEnd(char[] s, int i, int end, int cls) {
        while (i < end) {
            int k = CLASS[s[i]];
            if (k == HIGH) {
                if (i + 1 < end && Character.isLowSurrogate(s[i + 1])) {
                    if (classOf(Character.toCodePoint(s[i], s[i + 1])) != cls) {
                        break;
                    }
                    i += 2;
                    continue;
                }
                k = OTHER;
            }
            if (k != cls) {
                break;
            }
            i++;
        }
        return i;
    }

    /** Returns the end (exclusive) of the piece that starts at {@code i}; requires {@code i < end}. */
    public static int pieceEnd(char[] s, int i, int end) {
        char c = s[i];
        if (c == '\'' && i + 1 < end) {
            char d = s[i + 1];
            if (d == 's' || d == 't' || d == 'm' || d == 'd') {
                return i + 2;
            }
            if (i + 2 < end) {
                char e = s[i + 2];
                if ((e == 'e' && (d == 'r' || d == 'v')) || (d == 'l' && e == 'l')) {
                    return i + 3;
                }
            }
        }
        int cls = classAt(s, i, end);
        if (c == ' ' && i + 1 < end) {
            int next = classAt(s, i + 1, end);
            if (next != SPACE) {
                return runEnd(s, i + 1, end, next);
            }
        }
        if (cls != SPACE) {
            return runEnd(s, i, end, cls);
        }
        int j = i + 1;
        while (j < end && CLASS[s[j]] == SPACE) {
            j++;
        }
        if (j == end || j - i == 1) {
            return j;
        }
        return j - 1;
    }

    /** Splits text into GPT-2 pieces (convenience for tests and tools; allocation per piece). */
    public static List<String> split(String text) {
        char[] s = text.toCharArray();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.length; ) {
            int j = pieceEnd(s, i, s.length);
            out.add(new String(s, i, j - i));
            i = j;
        }
        return out;
    }
}
