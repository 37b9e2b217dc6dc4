package jgpt.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import jgpt.tokenizer.ByteLevelBpe;
import jgpt.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;

/** Token texts are exact: bytes that are part of a UTF-8 character show as \xNN instead of being lost. */
class TokenTextTest {
    private static final ByteLevelBpe GPT2 = ByteLevelBpe.gpt2();

    @Test
    void splitCharacterIsShownByteByByte() {
        String text = "’"; // U+2019, bytes e2 80 99: GPT-2 splits it over two tokens
        int[] ids = GPT2.encode(text);
        assertTrue(ids.length > 1, "expected a split character, got " + ids.length + " token(s)");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            String shown = TokenText.of(GPT2, id);
            assertTrue(shown.matches("(\\\\x[0-9a-f]{2})+"), shown);
            bytes.writeBytes(HexFormat.of().parseHex(shown.replace("\\x", "")));
        }
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), bytes.toByteArray());
    }

    @Test
    void wholeCharactersStayReadable() {
        int[] ids = GPT2.encode(" café\n");
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(TokenText.of(GPT2, id));
        assertEquals(" café\n", sb.toString());
        StringBuilder label = new StringBuilder();
        for (int id : ids) label.append(TokenText.label(GPT2, id));
        assertEquals(" café\\n", label.toString());
    }

    @Test
    void charTokenizerLabelsEscapeControlCharacters() {
        CharTokenizer tok = CharTokenizer.fromText("a\\\t\n");
        assertEquals("\\\\", TokenText.label(tok, tok.encode("\\")[0]));
        assertEquals("\\t", TokenText.label(tok, tok.encode("\t")[0]));
        assertEquals("\t", TokenText.of(tok, tok.encode("\t")[0]));
    }
}
