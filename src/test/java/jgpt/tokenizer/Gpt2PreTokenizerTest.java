package jgpt.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written splitter must give exactly the pieces of the GPT-2 regex (UNICODE_CHARACTER_CLASS). */
class Gpt2PreTokenizerTest {
    private static List<String> regexSplit(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = Gpt2PreTokenizer.PATTERN.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    @Test
    void characterClassesMatchRegexForEveryCodePoint() {
        Pattern letter = Pattern.compile("\\p{L}", Pattern.UNICODE_CHARACTER_CLASS);
        Pattern number = Pattern.compile("\\p{N}", Pattern.UNICODE_CHARACTER_CLASS);
        Pattern space = Pattern.compile("\\s", Pattern.UNICODE_CHARACTER_CLASS);
        for (int cp = 0; cp <= 0x10FFFF; cp += cp < 0x30000 ? 1 : 97) {
            String s = Character.toString(cp);
            int expected = letter.matcher(s).matches() ? Gpt2PreTokenizer.LETTER
                    : number.matcher(s).matches() ? Gpt2PreTokenizer.NUMBER
                    : space.matcher(s).matches() ? Gpt2PreTokenizer.SPACE : Gpt2PreTokenizer.OTHER;
            final int c = cp;
            assertEquals(expected, Gpt2PreTokenizer.classOf(c), () -> Integer.toHexString(c));
        }
    }

    @Test
    void splitMatchesRegexOnRandomStrings() {
        Random rnd = new Random(12345);
        for (int i = 0; i < 4000; i++) {
            String s = RandomText.next(rnd, 30, true);
            assertEquals(regexSplit(s), Gpt2PreTokenizer.split(s), s);
        }
    }

    @Test
    void knownSplits() {
        assertEquals(List.of("Hello", ",", " world", "'s", "  ", " end", "\n"),
                Gpt2PreTokenizer.split("Hello, world's   end\n"));
        assertEquals(List.of("IT", "'", "S"), Gpt2PreTokenizer.split("IT'S"));
        assertEquals(List.of(), Gpt2PreTokenizer.split(""));
    }
}
