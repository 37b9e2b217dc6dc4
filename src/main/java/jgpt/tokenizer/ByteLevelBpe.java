package jgpt.tokenizer;

import jgpt.UserException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Byte-level BPE exactly as GPT-2: regex pre-tokenisation, UTF-8 bytes, lowest-rank merges.
 * {@link #gpt2()} gives ids identical to tiktoken {@code r50k_base}; other vocabularies come from
 * Hugging Face files ({@link Tokenizers#load}) or {@link BpeTrainer}.
 * <pre>{@code
 * ByteLevelBpe bpe = ByteLevelBpe.gpt2();
 * int[] ids = bpe.encode("Hello world"); // [15496, 995]
 * }</pre>
 *
 * <p>Two merge semantics are supported: <b>tiktoken</b> (built from a rank file: any adjacent pair
 * whose concatenated bytes are a token may merge, with that token's rank) and <b>merges</b>
 * (Hugging Face / trained: only the listed merges, ranked by their line). Instances are immutable
 * and thread-safe.
 */
public final class ByteLevelBpe implements Tokenizer {
    /** GPT-2's end-of-text token. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    private static final byte[] REPLACEMENT = "\uFFFD".getBytes(StandardCharsets.UTF_8);

    private final byte[][] tokens;
    private final int[] byteIds = new int[256];
    private final LongLongMap pairs;
    private final BytesIntMap whole;
    private final String[] specials;
    private final int[] specialIds;
    private final int endOfText;
    /** Merge list in rank order (left, right ids); derived lazily for rank-file vocabularies. */
    private volatile int[][] merges;
    private final ThreadLocal<BpeEncoder> encoders;

    private ByteLevelBpe(byte[][] tokens, LongLongMap pairs, BytesIntMap whole, int[][] merges,
                         List<String> specialTokens, List<Integer> specialTokenIds) {
        this.tokens = tokens;
        this.pairs = pairs;
        this.merges = merges;
        this.specials = specialTokens.toArray(new String[0]);
        this.specialIds = specialTokenIds.stream().mapToInt(Integer::intValue).toArray();
        int eot = -1;
        for (int i = 0; i < specials.length; i++) {
            if (specials[i].equals(END_OF_TEXT)) {
                eot = specialIds[i];
            }
        }
        this.endOfText = eot;
        Arrays.fill(byteIds, -1);
        for (int id = 0; id < tokens.length; id++) {
            byte[] t = tokens[id];
            if (t != null && t.length == 1 && byteIds[t[0] & 0xFF] < 0 && !isSpecial(id)) {
                byteIds[t[0] & 0xFF] = id;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (byteIds[b] < 0) {
                throw new UserException(String.format(
                        "the BPE vocabulary has no token for byte 0x%02X; a byte-level vocabulary needs all 256 "
                                + "single bytes - use a complete vocab.json/tokenizer.json", b));
            }
        }
        this.whole = whole != null ? whole : selfConsistentTokens();
        this.encoders = ThreadLocal.withInitial(() -> new BpeEncoder(this.pairs, this.whole, byteIds));
    }

    private boolean isSpecial(int id) {
        for (int s : specialIds) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }

    /** Tokens whose own bytes encode to exactly themselves (safe for the whole-piece shortcut). */
    private BytesIntMap selfConsistentTokens() {
        BytesIntMap map = new BytesIntMap(tokens.length);
        BpeEncoder enc = new BpeEncoder(pairs, null, byteIds);
        for (int id = 0; id < tokens.length; id++) {
            byte[] t = tokens[id];
            if (t == null || t.length < 2 || isSpecial(id) || map.get(t) >= 0) {
                continue;
            }
            if (enc.mergeSmall(t, t.length, Long.MAX_VALUE) == 1 && enc.scratchIds()[0] == id) {
                map.put(t, id);
            }
        }
        return map;
    }

    // ---------------------------------------------------------------- factories

    /** The GPT-2 tokenizer (r50k_base from the jtokkit jar) with {@code <|endoftext|>} = 50256; cached. */
    public static ByteLevelBpe gpt2() {
        return Gpt2Holder.INSTANCE;
    }

    private static final class Gpt2Holder {
        static final ByteLevelBpe INSTANCE = TiktokenFile.loadGpt2();
    }

    /**
     * Tiktoken semantics: {@code byRank[r]} is the byte string of rank/id r (null for a gap);
     * special tokens get the given ids and decode to their UTF-8 text.
     */
    public static ByteLevelBpe fromRanks(byte[][] byRank, List<String> specialTokens, List<Integer> specialTokenIds) {
        int size = byRank.length;
        for (int id : specialTokenIds) {
            size = Math.max(size, id + 1);
        }
        byte[][] tokens = Arrays.copyOf(byRank, size);
        BytesIntMap ids = new BytesIntMap(byRank.length);
        for (int r = 0; r < byRank.length; r++) {
            if (byRank[r] != null && ids.get(byRank[r]) < 0) {
                ids.put(byRank[r], r);
            }
        }
        LongLongMap pairs = new LongLongMap(byRank.length * 4);
        for (int r = 0; r < byRank.length; r++) {
            byte[] t = byRank[r];
            if (t == null || ids.get(t) != r) {
                continue;
            }
            for (int k = 1; k < t.length; k++) {
                int left = ids.get(t, 0, k);
                int right = ids.get(t, k, t.length - k);
                if (left >= 0 && right >= 0) {
                    pairs.putIfAbsent(LongLongMap.pair(left, right), ((long) r << 32) | r);
                }
            }
        }
        for (int i = 0; i < specialTokenIds.size(); i++) {
            tokens[specialTokenIds.get(i)] = specialTokens.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return new ByteLevelBpe(tokens, pairs, ids, null, specialTokens, specialTokenIds);
    }

    /**
     * Merge-list semantics (Hugging Face, trained): {@code tokens[id]} are the id's bytes (null for a gap),
     * {@code merges[k] = {left, right}} is the merge of rank k; its result is the id whose bytes are the
     * concatenation. Throws {@link UserException} when a result is not in the vocabulary.
     */
    public static ByteLevelBpe fromMerges(byte[][] tokens, int[][] merges,
                                          List<String> specialTokens, List<Integer> specialTokenIds) {
        int size = tokens.length;
        for (int id : specialTokenIds) {
            size = Math.max(size, id + 1);
        }
        byte[][] all = Arrays.copyOf(tokens, size);
        for (int i = 0; i < specialTokenIds.size(); i++) {
            all[specialTokenIds.get(i)] = specialTokens.get(i).getBytes(StandardCharsets.UTF_8);
        }
        BytesIntMap ids = new BytesIntMap(size);
        for (int id = 0; id < size; id++) {
            if (all[id] != null && ids.get(all[id]) < 0 && !specialTokenIds.contains(id)) {
                ids.put(all[id], id);
            }
        }
        LongLongMap pairs = new LongLongMap(merges.length + 16);
        for (int k = 0; k < merges.length; k++) {
            int left = merges[k][0];
            int right = merges[k][1];
            if (left < 0 || left >= size || right < 0 || right >= size || all[left] == null || all[right] == null) {
                throw new UserException("merge " + (k + 1) + " refers to a token id that is not in the vocabulary;"
                        + " the merges do not belong to this vocab - use matching files");
            }
            int result = ids.get(ByteUnicode.concat(all[left], all[right]));
            if (result < 0) {
                throw new UserException("merge " + (k + 1) + " (" + ByteUnicode.encode(all[left]) + " "
                        + ByteUnicode.encode(all[right]) + ") produces a token missing from the vocabulary;"
                        + " the vocab and merges files do not match");
            }
            pairs.putIfAbsent(LongLongMap.pair(left, right), ((long) k << 32) | result);
        }
        return new ByteLevelBpe(all, pairs, null, merges.clone(), specialTokens, specialTokenIds);
    }

    // ---------------------------------------------------------------- Tokenizer

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int endOfTextId() {
        return endOfText;
    }

    @Override
    public int[] encode(String text) {
        char[] s = text.toCharArray();
        IntList out = new IntList(Math.max(16, s.length / 3));
        encoders.get().encode(s, 0, s.length, out);
        return out.toArray();
    }

    /**
     * Like {@link #encode}, but when {@code allowEndOfText} is set the special tokens (for GPT-2 only
     * {@code <|endoftext|>}) are recognised in the text and become their ids; otherwise they are plain text.
     */
    public int[] encodeWithSpecial(String text, boolean allowEndOfText) {
        if (!allowEndOfText || specials.length == 0) {
            return encode(text);
        }
        char[] s = text.toCharArray();
        IntList out = new IntList(Math.max(16, s.length / 3));
        BpeEncoder enc = encoders.get();
        int start = 0;
        while (start <= s.length) {
            int best = -1;
            int bestAt = s.length;
            for (int k = 0; k < specials.length; k++) {
                int at = text.indexOf(specials[k], start);
                if (at >= 0 && (at < bestAt || (at == bestAt && specials[k].length() > specials[best].length()))) {
                    best = k;
                    bestAt = at;
                }
            }
            enc.encode(s, start, bestAt, out);
            if (best < 0) {
                break;
            }
            out.add(specialIds[best]);
            start = bestAt + specials[best].length();
        }
        return out.toArray();
    }

    /** The raw bytes of one id; an id outside the vocabulary gives the bytes of U+FFFD. */
    public byte[] tokenBytes(int id) {
        if (id < 0 || id >= tokens.length || tokens[id] == null) {
            return REPLACEMENT;
        }
        return tokens[id];
    }

    @Override
    public String decode(int[] ids) {
        int n = 0;
        for (int id : ids) {
            n += tokenBytes(id).length;
        }
        byte[] all = new byte[n];
        int pos = 0;
        for (int id : ids) {
            byte[] t = tokenBytes(id);
            System.arraycopy(t, 0, all, pos, t.length);
            pos += t.length;
        }
        return Utf8.decode(all, 0, n);
    }

    /** A stateful decoder that only emits complete characters (for printing while generating). */
    @Override
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this::tokenBytes);
    }

    /** Writes vocab.json, merges.txt, tokenizer.json, tokenizer_config.json and special_tokens_map.json. */
    @Override
    public void save(Path modelDir) throws IOException {
        HfBpeFiles.save(this, modelDir);
    }

    // ---------------------------------------------------------------- accessors for file formats

    /** Special token strings (e.g. {@code <|endoftext|>}); parallel to {@link #specialTokenIds()}. */
    public List<String> specialTokens() {
        return List.of(specials);
    }

    public int[] specialTokenIds() {
        return specialIds.clone();
    }

    /** Whether the id has bytes (false for ids missing from a loaded vocabulary). */
    public boolean hasToken(int id) {
        return id >= 0 && id < tokens.length && tokens[id] != null;
    }

    /** Whether the id is one of the special tokens. */
    public boolean isSpecialToken(int id) {
        return isSpecial(id);
    }

    /** The merges in rank order as {left id, right id}; for rank-file vocabularies derived once by replay. */
    public int[][] merges() {
        int[][] m = merges;
        if (m == null) {
            m = deriveMerges();
            merges = m;
        }
        return m;
    }

    /**
     * For tiktoken-style ranks: token of rank r is the result of merging the two parts that the
     * encoder produces for its bytes when only ranks below r are allowed.
     */
    private int[][] deriveMerges() {
        List<int[]> out = new ArrayList<>();
        BpeEncoder enc = new BpeEncoder(pairs, null, byteIds);
        for (int id = 0; id < tokens.length; id++) {
            byte[] t = tokens[id];
            if (t == null || t.length < 2 || isSpecial(id) || whole.get(t) != id) {
                continue;
            }
            int m = enc.mergeSmall(t, t.length, id);
            if (m != 2) {
                throw new UserException("token " + id + " (" + ByteUnicode.encode(t) + ") cannot be expressed as a"
                        + " merge of two lower-ranked tokens, so this vocabulary cannot be saved as merges.txt");
            }
            out.add(new int[] {enc.scratchIds()[0], enc.scratchIds()[1]});
        }
        return out.toArray(new int[0][]);
    }
}
