package jgpt.tokenizer;

import jgpt.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BpeTrainerTest {
    private static String shakespeare(int chars) throws IOException {
        return Files.readString(Path.of("/work/shared/data/tinyshakespeare.txt")).substring(0, chars);
    }

    @Test
    void firstMergesAreMostFrequentPairsWithSmallestPairOnTies() {
        ByteLevelBpe bpe = BpeTrainer.train("hello hello hello help", 259, false);
        int[][] merges = bpe.merges();
        // (h,e) and (e,l) both occur 4 times: the tie goes to the smaller pair (e=101, l=108)
        assertArrayEquals(new int[] {'e', 'l'}, merges[0]);
        assertArrayEquals(new int[] {'h', 256}, merges[1]);
        // (' ', 257), (257, 'l') and ('l', 'o') all occur 3 times: smallest pair first
        assertArrayEquals(new int[] {' ', 257}, merges[2]);
        assertEquals(259, bpe.vocabSize());
        assertEquals("hel", new String(bpe.tokenBytes(257), StandardCharsets.UTF_8));
    }

    @Test
    void vocabSizeAndEndOfText() throws IOException {
        String text = shakespeare(100_000);
        ByteLevelBpe with = BpeTrainer.train(text, 600, true);
        assertEquals(600, with.vocabSize());
        assertEquals(599, with.endOfTextId());
        assertArrayEquals(new int[] {599}, with.encodeWithSpecial("<|endoftext|>", true));
        ByteLevelBpe without = BpeTrainer.train(text, 600, false);
        assertEquals(600, without.vocabSize());
        assertEquals(-1, without.endOfTextId());
        assertEquals(256, BpeTrainer.train(text, 256, false).vocabSize());
        assertThrows(UserException.class, () -> BpeTrainer.train(text, 256, true));
        assertThrows(UserException.class, () -> BpeTrainer.train(text, 100, false));
    }

    @Test
    void deterministicAndRoundTrips() throws IOException {
        String text = shakespeare(60_000) + "\u4F60\u597D\u4E16\u754C \uD83C\uDF55\uD83C\uDF55 caf\u00E9 caf\u00E9";
        ByteLevelBpe a = BpeTrainer.train(text, 700, true);
        ByteLevelBpe b = BpeTrainer.train(text, 700, true);
        assertArrayEquals(a.merges(), b.merges());
        assertEquals(text, a.decode(a.encode(text)));
        Random rnd = new Random(3);
        for (int i = 0; i < 500; i++) {
            String s = RandomText.next(rnd, 20, false);
            assertEquals(s, a.decode(a.encode(s)));
        }
    }

    @Test
    void matchesNaiveRecountingTrainer() throws IOException {
        Random rnd = new Random(8);
        StringBuilder sb = new StringBuilder(shakespeare(8_000));
        for (int i = 0; i < 300; i++) {
            sb.append(RandomText.next(rnd, 5, false));
        }
        String text = sb.toString();
        ByteLevelBpe bpe = BpeTrainer.train(text, 420, false);
        assertArrayEquals(naiveMerges(text, 420), bpe.merges());
    }

    @Test
    void saveLoadRoundTrip(@TempDir Path dir) throws IOException {
        String text = shakespeare(50_000);
        ByteLevelBpe bpe = BpeTrainer.train(text, 500, true);
        bpe.save(dir);
        Tokenizer fromJson = Tokenizers.load(dir);
        ByteLevelBpe fromVocab = HfBpeFiles.loadVocabMerges(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
        for (Tokenizer t : List.of(fromJson, fromVocab)) {
            assertArrayEquals(bpe.encode(text), t.encode(text));
            assertEquals(bpe.vocabSize(), t.vocabSize());
            assertEquals(bpe.endOfTextId(), t.endOfTextId());
        }
    }

    /** Reference: recount all pairs after every merge (slow but obviously right). */
    private static int[][] naiveMerges(String text, int vocabSize) {
        Map<String, int[]> chunks = new LinkedHashMap<>();
        Map<String, Integer> freq = new HashMap<>();
        for (String piece : Gpt2PreTokenizer.split(text)) {
            byte[] b = piece.getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                ids[i] = b[i] & 0xFF;
            }
            chunks.putIfAbsent(piece, ids);
            freq.merge(piece, 1, Integer::sum);
        }
        List<byte[]> tokens = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            tokens.add(new byte[] {(byte) i});
        }
        List<int[]> merges = new ArrayList<>();
        while (tokens.size() < vocabSize) {
            Map<Long, Long> counts = new HashMap<>();
            for (var e : chunks.entrySet()) {
                int[] s = e.getValue();
                for (int i = 0; i + 1 < s.length; i++) {
                    counts.merge(((long) s[i] << 32) | s[i + 1], (long) freq.get(e.getKey()), Long::sum);
                }
            }
            long bestKey = -1;
            long best = 0;
            for (var e : counts.entrySet()) {
                if (e.getValue() > best || (e.getValue() == best && e.getKey() < bestKey)) {
                    best = e.getValue();
                    bestKey = e.getKey();
                }
            }
            if (bestKey < 0) {
                break;
            }
            int a = (int) (bestKey >>> 32);
            int b = (int) bestKey;
            byte[] bytes = ByteUnicode.concat(tokens.get(a), tokens.get(b));
            int z = -1;
            for (int i = 0; i < tokens.size(); i++) {
                if (Arrays.equals(tokens.get(i), bytes)) {
                    z = i;
                }
            }
            if (z < 0) {
                z = tokens.size();
                tokens.add(bytes);
            }
            merges.add(new int[] {a, b});
            for (var e : chunks.entrySet()) {
                int[] s = e.getValue();
                int[] out = new int[s.length];
                int w = 0;
                for (int i = 0; i < s.length; i++) {
                    if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
                        out[w++] = z;
                        i++;
                    } else {
                        out[w++] = s[i];
                    }
                }
                e.setValue(Arrays.copyOf(out, w));
            }
        }
        return merges.toArray(new int[0][]);
    }
}
