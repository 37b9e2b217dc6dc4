package jgpt.tokenizer;

import jgpt.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharTokenizerTest {
    @Test
    void sortedDistinctCharacters() {
        CharTokenizer tok = CharTokenizer.fromText("hello\n world");
        assertEquals(9, tok.vocabSize());   // \n space d e h l o r w
        assertArrayEquals(new int[] {4, 3, 5, 5, 6}, tok.encode("hello"));
        assertEquals("world\n", tok.decode(tok.encode("world\n")));
        assertEquals(-1, tok.endOfTextId());
        assertEquals("\uFFFD", tok.decode(new int[] {99}));
    }

    @Test
    void shakespeareHas65Characters() throws IOException {
        String text = Files.readString(Path.of("/work/shared/data/tinyshakespeare.txt"));
        CharTokenizer tok = CharTokenizer.fromText(text);
        assertEquals(65, tok.vocabSize());
        assertEquals(0, tok.encode("\n")[0]);
        assertEquals(text, tok.decode(tok.encode(text)));
    }

    @Test
    void supplementaryCharactersAreOneId() {
        CharTokenizer tok = CharTokenizer.fromText("a\uD83C\uDF55b");
        assertEquals(3, tok.vocabSize());
        assertArrayEquals(new int[] {0, 2, 1}, tok.encode("a\uD83C\uDF55b"));
    }

    @Test
    void streamingDecoder() {
        CharTokenizer tok = CharTokenizer.fromText("ab\uD83C\uDF55");
        StreamingDecoder d = tok.streamingDecoder();
        StringBuilder sb = new StringBuilder();
        for (int id : tok.encode("b\uD83C\uDF55a")) {
            sb.append(d.push(id));
        }
        assertEquals("b\uD83C\uDF55a", sb.append(d.flush()).toString());
    }

    @Test
    void unknownCharacterIsUserError() {
        CharTokenizer tok = CharTokenizer.fromText("abc");
        UserException e = assertThrows(UserException.class, () -> tok.encode("abz"));
        assertTrue(e.getMessage().contains("'z'") && e.getMessage().contains("U+007A")
                && e.getMessage().contains("different alphabet"), e.getMessage());
    }

    @Test
    void saveLoadRoundTrip(@TempDir Path dir) throws IOException {
        CharTokenizer tok = CharTokenizer.fromText("To be, or not to be \u00E9\uD83C\uDF55\n");
        tok.save(dir);
        assertTrue(Files.exists(dir.resolve(CharTokenizer.FILE)));
        Tokenizer loaded = Tokenizers.load(dir);
        assertInstanceOf(CharTokenizer.class, loaded);
        assertArrayEquals(tok.encode("not \uD83C\uDF55 be\n"), loaded.encode("not \uD83C\uDF55 be\n"));
        assertEquals(tok.vocabSize(), loaded.vocabSize());
    }

    @Test
    void corruptFileIsUserError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(CharTokenizer.FILE), "{\"type\":\"char\",\"chars\":[\"a\",");
        assertThrows(UserException.class, () -> Tokenizers.load(dir));
        Files.writeString(dir.resolve(CharTokenizer.FILE), "{\"type\":\"char\",\"chars\":[\"ab\"]}");
        assertThrows(UserException.class, () -> Tokenizers.load(dir));
        Files.writeString(dir.resolve(CharTokenizer.FILE), "{\"type\":\"char\",\"chars\":[\"b\",\"a\"]}");
        assertThrows(UserException.class, () -> Tokenizers.load(dir));
    }
}
