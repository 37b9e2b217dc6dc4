package jgpt.inspect.embed;

import java.nio.charset.StandardCharsets;
import jgpt.tokenizer.ByteLevelBpe;
import jgpt.tokenizer.Tokenizer;

/** One token as readable text: decoded exactly, or with its bytes escaped when they are not whole UTF-8 characters. */
final class TokenText {
    private TokenText() {}

    static String of(Tokenizer tokenizer, int id) {
        if (tokenizer instanceof ByteLevelBpe bpe) {
            byte[] bytes = bpe.tokenBytes(id);
            String s = new String(bytes, StandardCharsets.UTF_8);
            if (java.util.Arrays.equals(s.getBytes(StandardCharsets.UTF_8), bytes)) return s;
            StringBuilder sb = new StringBuilder(); // half a character: show every byte, never drop it
            for (byte b : bytes) sb.append(String.format("\\x%02X", b & 0xFF));
            return sb.toString();
        }
        return tokenizer.decode(new int[] {id});
    }

    /** Quoted for a terminal line: newline, tab and backslash escaped. */
    static String quoted(String text) {
        return "'" + text.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
    }
}
