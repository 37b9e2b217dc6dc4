package jgpt.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Property tests: same ids as jtokkit r50k_base encodeOrdinary, and exact round trips. */
class JtokkitEquivalenceTest {
    private static final Encoding R50K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

    private static void assertSameAsJtokkit(String s) {
        assertArrayEquals(R50K.encodeOrdinary(s).toArray(), ByteLevelBpe.gpt2().encode(s), () -> escape(s));
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(cp < 127 && cp >= 32 ? Character.toString(cp) : String.format("\\u{%x}", cp)));
        return sb.toString();
    }

    @Test
    void randomStringsMatchJtokkit() {
        Random rnd = new Random(2024);
        for (int i = 0; i < 3000; i++) {
            assertSameAsJtokkit(RandomText.next(rnd, 25, false));
        }
    }

    @Test
    void loneSurrogatesMatchJtokkit() {
        Random rnd = new Random(7);
        for (int i = 0; i < 500; i++) {
            assertSameAsJtokkit(RandomText.next(rnd, 12, true));
        }
    }

    @Test
    void longPiecesMatchJtokkit() {
        Random rnd = new Random(99);
        for (int i = 0; i < 60; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 60 + rnd.nextInt(600);
            String alphabet = switch (i % 5) {
                case 0 -> "abcdefghijklmnopqrstuvwxyz";
                case 1 -> "0123456789";
                case 2 -> " \t";
                case 3 -> "!@#$%^&*()-=+[]{};:,./<>?";
                default -> "\u00E9\u4F60\u597D\u0645\u0440";
            };
            for (int k = 0; k < n; k++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            assertSameAsJtokkit(sb.toString());
            assertSameAsJtokkit("x" + "a".repeat(n));
        }
    }

    @Test
    void decodeOfEncodeIsIdentity() {
        Random rnd = new Random(31337);
        ByteLevelBpe bpe = ByteLevelBpe.gpt2();
        for (int i = 0; i < 3000; i++) {
            String s = RandomText.next(rnd, 25, false);
            assertEquals(s, bpe.decode(bpe.encode(s)));
        }
    }
}
