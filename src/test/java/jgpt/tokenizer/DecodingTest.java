package jgpt.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Lenient UTF-8 decoding (Python errors="replace") and streaming decode of split characters. */
class DecodingTest {
    private static String py(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Utf8.decode(b, 0, b.length);
    }

    @Test
    void invalidUtf8BecomesReplacementLikePython() {
        assertEquals("\uFFFDa", py(0xF0, 0x9F, 0x8D, 'a'));
        assertEquals("\uFFFD\uFFFD\uFFFD", py(0xED, 0xA0, 0x80));
        assertEquals("\uFFFD\uFFFD", py(0xC0, 0xAF));
        assertEquals("\uFFFD", py(0xE4, 0xBD));
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", py(0xF4, 0x90, 0x80, 0x80));
        assertEquals("\uFFFD\uFFFD\uFFFD", py(0xE0, 0x80, 0xAF));
        assertEquals("\uFFFD\uFFFD", py(0xFF, 0xFE));
        assertEquals("\uD83C\uDF55", py(0xF0, 0x9F, 0x8D, 0x95));
    }

    @Test
    void decodeNeverThrows() {
        ByteLevelBpe bpe = ByteLevelBpe.gpt2();
        Random rnd = new Random(5);
        for (int i = 0; i < 2000; i++) {
            int[] ids = new int[rnd.nextInt(6)];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = rnd.nextInt(bpe.vocabSize() + 10) - 5;
            }
            bpe.decode(ids);
            for (int id : ids) {
                bpe.decode(id);
            }
        }
        int fragment = bpe.encode("\u4F60")[0];   // first byte-token of a 3-byte char
        assertEquals("\uFFFD", bpe.decode(fragment));
    }

    @Test
    void streamingDecoderEmitsOnlyCompleteCharacters() {
        ByteLevelBpe bpe = ByteLevelBpe.gpt2();
        String text = "Pizza \uD83C\uDF55 and \u4F60\u597D\u4E16\u754C, \uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67 ok";
        int[] ids = bpe.encode(text);
        StreamingDecoder d = bpe.streamingDecoder();
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            String part = d.push(id);
            assertFalse(part.contains("\uFFFD"), "partial character leaked: " + part);
            sb.append(part);
        }
        sb.append(d.flush());
        assertEquals(text, sb.toString());
    }

    @Test
    void streamingDecoderFlushesBrokenTail() {
        ByteLevelBpe bpe = ByteLevelBpe.gpt2();
        int[] ids = bpe.encode("\u4F60");
        StreamingDecoder d = bpe.streamingDecoder();
        assertEquals("", d.push(ids[0]));
        assertEquals("\uFFFD", d.flush());
        assertEquals("a", d.push(bpe.encode("a")[0]));
    }
}
