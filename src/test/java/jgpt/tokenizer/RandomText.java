package jgpt.tokenizer;

import java.util.Random;

/** Random strings that stress GPT-2 pre-tokenisation: contractions, whitespace kinds, digits, non-BMP. */
final class RandomText {
    private static final String[] FRAGMENTS = {
        "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'", "''", "'x",
        " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \n", "\u00A0", "\u0085", "\u1680", "\u2000", "\u2009",
        "\u200A", "\u2028", "\u2029", "\u202F", "\u205F", "\u3000", "\u200B", "\uFEFF", "\u000B", "\u000C", "\u001C",
        "hello", "World", "don", "I", "a", "xyz", "123", "4", "2024", "\u00B2", "\u00BD", "\u2163", "\u0661\u0662",
        "!", "?!", "...", "--", "(", ")", "{}", "<|endoftext|>", "<|", "|>", "$", "\u00E9", "e\u0301", "na\u00EFve",
        "\u4F60\u597D", "\u3053\u3093\u306B\u3061\u306F", "\uD55C\uAD6D", "\u0645\u0631\u062D\u0628\u0627",
        "\u041F\u0440\u0438\u0432\u0435\u0442", "\uD83C\uDF55", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
        "\uD83C\uDDFA\uD83C\uDDF8", "\uD835\uDC00\uD835\uDC01", "\uD835\uDFCE\uD835\uDFCF", "\uD800\uDF30",
        "\uD834\uDD1E", "\u02B0", "\u01C5", "\u2160x", "_", "__init__", "http://x.y/z?q=1", "\u00AD", "\u0300",
    };

    private RandomText() {}

    /** A random string; {@code loneSurrogates} allows unpaired surrogates. */
    static String next(Random rnd, int maxParts, boolean loneSurrogates) {
        StringBuilder sb = new StringBuilder();
        int parts = rnd.nextInt(maxParts + 1);
        for (int i = 0; i < parts; i++) {
            int kind = rnd.nextInt(10);
            if (kind < 6) {
                sb.append(FRAGMENTS[rnd.nextInt(FRAGMENTS.length)]);
            } else if (kind < 8) {
                sb.append((char) (' ' + rnd.nextInt(95)));
            } else if (kind == 8) {
                int cp;
                do {
                    cp = rnd.nextInt(4) == 0 ? 0x10000 + rnd.nextInt(0x20000) : rnd.nextInt(0x10000);
                } while (!loneSurrogates && cp >= 0xD800 && cp <= 0xDFFF);
                sb.appendCodePoint(cp);
            } else {
                int n = rnd.nextInt(4) + 1;
                char c = " \t\n\u3000a1.".charAt(rnd.nextInt(7));
                sb.append(String.valueOf(c).repeat(n));
            }
        }
        return sb.toString();
    }
}
