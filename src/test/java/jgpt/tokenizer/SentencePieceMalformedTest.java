package jgpt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import jgpt.UserException;
import jgpt.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A corrupt {@code .model} (truncated, wrong wire types, inconsistent pieces) is a one-line UserException. */
class SentencePieceMalformedTest {
    static final Path MODEL = Path.of("../shared/reference/sentencepiece/es-unigram-4k.model");
    @TempDir Path tmp;

    private static String reject(byte[] bytes) {
        UserException e = assertThrows(UserException.class, () -> SentencePieceTokenizer.parse(bytes, "bad.model"));
        assertTrue(e.getMessage().startsWith("bad.model"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void truncatedModelsAreRejectedOrLoadNeverCrash() throws Exception {
        byte[] full = Files.readAllBytes(MODEL);
        int rejected = 0, tries = 0;
        for (int len = 1; len < full.length; len += 4999) {
            tries++;
            try {
                SentencePieceTokenizer.parse(Arrays.copyOf(full, len), "bad.model").encode("Dios es amor");
            } catch (UserException e) {
                rejected++; // a cut on a message boundary is a valid shorter model, as in the reference library
            }
        }
        assertTrue(rejected > tries * 9 / 10, rejected + " of " + tries + " truncations rejected");
        // the charsmap blob is the last large field: cut inside it
        assertTrue(reject(Arrays.copyOf(full, full.length - 1000)).contains("truncated"));
    }

    @Test
    void wrongWireTypes() {
        assertTrue(reject(new byte[] {0x08, 0x01}).contains("pieces (field 1) has wire type 0, expected 2"));
        // a piece whose score is a varint instead of a float
        assertTrue(reject(new byte[] {0x0A, 0x05, 0x0A, 0x01, 'a', 0x10, 0x01}).contains("score (field 2) has wire type 0, expected 5"));
        // trainer_spec.model_type as a length-delimited field
        assertTrue(reject(new byte[] {0x12, 0x03, 0x1A, 0x01, 0x00}).contains("model_type"));
        // wire type 7 does not exist
        assertTrue(reject(new byte[] {0x0F}).contains("wire type 7"));
    }

    @Test
    void inconsistentPieces() {
        assertTrue(reject(new byte[0]).contains("no pieces"));
        // one normal piece "a" and no unknown piece
        assertTrue(reject(new byte[] {0x0A, 0x03, 0x0A, 0x01, 'a'}).contains("no unknown piece"));
        // "a" twice
        byte[] twice = {0x0A, 0x03, 0x0A, 0x01, 'a', 0x0A, 0x03, 0x0A, 0x01, 'a'};
        assertTrue(reject(twice).contains("defined twice"));
        // a BYTE piece (type 6) without byte_fallback
        byte[] bytePiece = {0x0A, 0x0A, 0x0A, 0x06, '<', '0', 'x', '4', '1', '>', 0x18, 0x06};
        assertTrue(reject(bytePiece).contains("byte_fallback"));
    }

    @Test
    void cliPrintsOneErrorLine() throws Exception {
        Path bad = tmp.resolve("bad.model");
        Files.write(bad, Arrays.copyOf(Files.readAllBytes(MODEL), 5000));
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(new String[] {"tokenize", "--tokenizer", bad.toString(), "--text", "hola"});
        } finally {
            System.setErr(oldErr);
        }
        String msg = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals(2, code, msg);
        assertTrue(msg.startsWith("error: " + bad) && !msg.contains("\n"), msg);
    }
}
