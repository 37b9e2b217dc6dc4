package jgpt.tokenizer;

import jgpt.UserException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code <|endoftext|>} handling and tokenizer lookup by name. */
class SpecialTokensTest {
    private final ByteLevelBpe bpe = ByteLevelBpe.gpt2();

    @Test
    void endOfTextIsPlainTextInOrdinaryEncode() {
        assertEquals(50256, bpe.endOfTextId());
        assertEquals(50257, bpe.vocabSize());
        int[] ids = bpe.encode("a<|endoftext|>b");
        for (int id : ids) {
            assertFalse(id == 50256);
        }
        assertArrayEquals(ids, bpe.encodeWithSpecial("a<|endoftext|>b", false));
        assertEquals("a<|endoftext|>b", bpe.decode(ids));
    }

    @Test
    void endOfTextRecognisedWhenAllowed() {
        int[] ids = bpe.encodeWithSpecial("Hello<|endoftext|> world<|endoftext|>", true);
        assertArrayEquals(new int[] {15496, 50256, 995, 50256}, ids);
        assertEquals("Hello<|endoftext|> world<|endoftext|>", bpe.decode(ids));
        assertArrayEquals(new int[] {50256}, bpe.encodeWithSpecial("<|endoftext|>", true));
        assertArrayEquals(new int[] {}, bpe.encodeWithSpecial("", true));
        assertEquals("<|endoftext|>", bpe.decode(50256));
    }

    @Test
    void byName() {
        assertSame(ByteLevelBpe.gpt2(), Tokenizers.byName("gpt2"));
        assertSame(ByteLevelBpe.gpt2(), Tokenizers.byName("r50k_base"));
        UserException e = assertThrows(UserException.class, () -> Tokenizers.byName("llama"));
        assertTrue(e.getMessage().contains("llama") && e.getMessage().contains("gpt2"));
        assertFalse(e.getMessage().contains("\n"));
    }
}
