package jgpt.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The two pieces of Python string behaviour that sacreBLEU's scores depend on: {@code str.split()} (runs of
 * Python whitespace, which is wider than {@link Character#isWhitespace}: it includes NBSP, U+2007, U+202F and
 * U+0085) and {@code str.rstrip()}. Matching them exactly keeps our scores equal to sacreBLEU's on any text.
 */
final class PythonText {
    private PythonText() {}

    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || c == 0x00A0 || c == 0x2007 || c == 0x202F || c == 0x0085;
    }

    /** {@code s.split()}: maximal runs of non-whitespace, no empty strings. */
    static List<String> split(String s) {
        List<String> words = new ArrayList<>();
        int i = 0, n = s.length();
        while (i < n) {
            while (i < n && isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            int start = i;
            while (i < n && !isSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            if (i > start) words.add(s.substring(start, i));
        }
        return words;
    }

    /** {@code s.rstrip()}. */
    static String rstrip(String s) {
        int end = s.length();
        while (end > 0) {
            int c = s.codePointBefore(end);
            if (!isSpace(c)) break;
            end -= Character.charCount(c);
        }
        return s.substring(0, end);
    }
}
