package jgpt.tokenizer;

/**
 * Reads a Darts-clone double-array trie as SentencePiece stores it inside {@code precompiled_charsmap}: 32-bit
 * units, each packing a label, an XOR offset to its children and a has-leaf flag (the leaf unit holds the value).
 * Only the lookup SentencePiece's normalizer needs: the longest key that is a prefix of the input.
 */
final class DartsTrie {
    private final int[] units;

    DartsTrie(int[] units) {
        this.units = units;
    }

    /**
     * The longest key that prefixes {@code text[from, to)}: its length in the high 32 bits and its value in the low
     * 32 bits, or -1 when no key matches. Walks at most one unit per input byte.
     */
    long longestPrefix(byte[] text, int from, int to) {
        int[] u = units;
        int node = offset(u[0]);
        long best = -1;
        for (int i = from; i < to; i++) {
            int label = text[i] & 0xFF;
            node ^= label;
            if (node < 0 || node >= u.length) return best;
            int unit = u[node];
            if ((unit & 0x800000FF) != label) return best; // label(): the top bit marks a leaf unit, never a label
            node ^= offset(unit);
            if (((unit >>> 8) & 1) != 0) {
                if (node < 0 || node >= u.length) return best;
                best = (long) (i + 1 - from) << 32 | (u[node] & 0x7FFFFFFF);
            }
        }
        return best;
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }
}
