package jgpt.inspect;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import jgpt.tokenizer.ByteLevelBpe;
import jgpt.tokenizer.Tokenizer;

/**
 * The exact text of one token. A byte-level BPE token can be part of a UTF-8 character (GPT-2 splits most
 * emoji and many CJK characters); its bytes that are not a whole character are shown as {@code \xNN} rather
 * than replaced or dropped, so every token stays visible and distinguishable.
 * <pre>{@code
 * TokenText.of(gpt2, 447)   // "\xe2\x80"  (the first two bytes of ’)
 * TokenText.label(gpt2, 198) // "\n"
 * }</pre>
 */
public final class TokenText {
    private TokenText() {}

    /** The token's text; bytes that do not form whole UTF-8 characters appear as {@code \xNN}. */
    public static String of(Tokenizer tokenizer, int id) {
        return render(tokenizer, id, false);
    }

    /** For display on one line: as {@link #of}, and backslash, newline, tab and carriage return escaped. */
    public static String label(Tokenizer tokenizer, int id) {
        return render(tokenizer, id, true);
    }

    private static String render(Tokenizer tokenizer, int id, boolean oneLine) {
        byte[] bytes = tokenizer instanceof ByteLevelBpe bpe ? bpe.tokenBytes(id)
                : tokenizer.decode(id).getBytes(StandardCharsets.UTF_8);
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 4);
        StringBuilder sb = new StringBuilder();
        while (true) {
            CoderResult r = in.hasRemaining() ? dec.decode(in, out, true) : dec.flush(out);
            out.flip();
            while (out.hasRemaining()) append(sb, out.get(), oneLine);
            out.clear();
            if (r.isError()) {
                for (int k = 0; k < r.length(); k++) sb.append(String.format("\\x%02x", in.get() & 0xFF));
            } else if (!in.hasRemaining() && r.isUnderflow()) {
                return sb.toString();
            }
        }
    }

    private static void append(StringBuilder sb, char c, boolean oneLine) {
        if (!oneLine) {
            sb.append(c);
            return;
        }
        switch (c) {
            case '\n' -> sb.append("\\n");
            case '\t' -> sb.append("\\t");
            case '\r' -> sb.append("\\r");
            case '\\' -> sb.append("\\\\");
            default -> sb.append(c);
        }
    }
}
