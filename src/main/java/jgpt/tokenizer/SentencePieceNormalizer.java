package jgpt.tokenizer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import jgpt.UserException;

/**
 * SentencePiece's normalizer, on UTF-8 bytes: at each position the longest rule of the precompiled character map
 * (nmt_nfkc, nfkc, a user's rule TSV compiled by the trainer; none for identity) replaces its input, user-defined
 * symbols pass through untouched; then extra whitespace is removed (leading, trailing, repeated), a dummy space is
 * prefixed (or suffixed) and spaces become {@code ▁} (U+2581).
 *
 * <p>The charsmap blob is a little-endian uint32 trie size, the Darts double-array trie, then the replacement strings,
 * each NUL-terminated; a trie value is the offset of its replacement in that table.
 */
final class SentencePieceNormalizer {
    static final byte[] SPACE_SYMBOL = "\u2581".getBytes(StandardCharsets.UTF_8);

    private final DartsTrie charsmap;      // null for identity
    private final byte[] replacements;
    private final DoubleArrayTrie userDefined; // null when the model has no user-defined symbols
    private final boolean addDummyPrefix, removeExtraWhitespaces, escapeWhitespaces, suffix;

    SentencePieceNormalizer(SentencePieceModel.NormalizerSpec spec, DoubleArrayTrie userDefined, boolean suffix, String source) {
        this.addDummyPrefix = spec.addDummyPrefix();
        this.removeExtraWhitespaces = spec.removeExtraWhitespaces();
        this.escapeWhitespaces = spec.escapeWhitespaces();
        this.suffix = suffix;
        this.userDefined = userDefined;
        byte[] blob = spec.charsmap();
        if (blob.length == 0) {
            charsmap = null;
            replacements = null;
            return;
        }
        ByteBuffer bb = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        long trieSize = blob.length > 4 ? bb.getInt(0) & 0xFFFFFFFFL : -1;
        if (trieSize < 0 || trieSize >= blob.length - 4 + 1 || trieSize % 4 != 0 || trieSize == 0) {
            throw new UserException(source + " is not a valid SentencePiece model (precompiled_charsmap is broken)");
        }
        int[] units = new int[(int) (trieSize / 4)];
        bb.position(4);
        bb.asIntBuffer().get(units);
        charsmap = new DartsTrie(units);
        replacements = Arrays.copyOfRange(blob, 4 + (int) trieSize, blob.length);
    }

    /** Normalizes {@code text}; the result is UTF-8 in {@code out} (cleared first). */
    void normalize(byte[] in, int end, ByteList out) {
        out.clear();
        int pos = 0;
        long p;
        if (removeExtraWhitespaces) {
            while (pos < end) {
                p = prefix(in, pos, end);
                if (!isSingleSpace(in, pos, p)) break;
                pos += consumed(p);
            }
        }
        if (pos == end) return;
        if (!suffix && addDummyPrefix) addSpace(out);
        boolean prevSpace = removeExtraWhitespaces;
        while (pos < end) {
            p = prefix(in, pos, end);
            byte[] src;
            int off, len;
            if (replacementIndex(p) < 0) {
                src = in;
                off = pos;
                len = consumed(p);
            } else {
                src = replacements;
                off = replacementIndex(p);
                len = replacementLength(off);
            }
            if (prevSpace) {
                while (len > 0 && src[off] == ' ') {
                    off++;
                    len--;
                }
            }
            if (len > 0) {
                for (int i = off; i < off + len; i++) {
                    if (escapeWhitespaces && src[i] == ' ') addSpace(out);
                    else out.add(src[i]);
                }
                prevSpace = src[off + len - 1] == ' ';
            }
            pos += consumed(p);
            if (!removeExtraWhitespaces) prevSpace = false;
        }
        if (removeExtraWhitespaces) {
            byte[] space = escapeWhitespaces ? SPACE_SYMBOL : new byte[] {' '};
            while (out.endsWith(space)) out.truncate(out.size() - space.length);
        }
        if (suffix && addDummyPrefix) addSpace(out);
    }

    private void addSpace(ByteList out) {
        if (escapeWhitespaces) out.addAll(SPACE_SYMBOL);
        else out.add((byte) ' ');
    }

    /**
     * The rule at {@code pos}: bytes consumed in the low 32 bits, the replacement's table offset in the high 32
     * bits, or -1 there when the input passes through unchanged (a user-defined symbol or a character without a rule).
     */
    private long prefix(byte[] in, int pos, int end) {
        if (userDefined != null) {
            int len = userDefined.longestPrefix(in, pos, end);
            if (len > 0) return 0xFFFFFFFF00000000L | len;
        }
        if (charsmap != null) {
            long m = charsmap.longestPrefix(in, pos, end);
            if (m >= 0) {
                if ((m & 0xFFFFFFFFL) >= replacements.length) {
                    throw new UserException("the precompiled_charsmap of the SentencePiece model is broken (rule outside its table)");
                }
                return (m & 0xFFFFFFFFL) << 32 | (m >>> 32);
            }
        }
        return 0xFFFFFFFF00000000L | oneCharLength(in, pos, end);
    }

    private static int consumed(long p) {
        return (int) p;
    }

    private static int replacementIndex(long p) {
        return (int) (p >> 32);
    }

    private int replacementLength(int off) {
        int i = off;
        while (i < replacements.length && replacements[i] != 0) i++;
        return i - off;
    }

    private boolean isSingleSpace(byte[] in, int pos, long p) {
        int idx = replacementIndex(p);
        if (idx < 0) return consumed(p) == 1 && in[pos] == ' ';
        return replacementLength(idx) == 1 && replacements[idx] == ' ';
    }

    /** Bytes of the UTF-8 character starting at {@code pos}, from its lead byte (SentencePiece's OneCharLen). */
    static int oneCharLength(byte[] in, int pos, int end) {
        int lead = (in[pos] & 0xFF) >>> 4;
        int n = lead < 12 ? 1 : lead < 14 ? 2 : lead == 14 ? 3 : 4;
        return Math.min(n, end - pos);
    }
}
