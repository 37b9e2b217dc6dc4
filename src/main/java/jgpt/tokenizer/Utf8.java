package jgpt.tokenizer;

/**
 * UTF-8 helpers: encoding text ranges without allocation and lenient decoding that replaces
 * each maximal invalid subpart with U+FFFD, exactly like Python's {@code bytes.decode("utf-8", "replace")}.
 * <pre>{@code
 * String s = Utf8.decode(bytes, 0, bytes.length);
 * int n = Utf8.encode(chars, 0, chars.length, buffer, 0);
 * }</pre>
 */
public final class Utf8 {
    private Utf8() {}

    /** Worst-case UTF-8 byte count for {@code n} UTF-16 chars. */
    static int maxBytes(int n) {
        return 3 * n;
    }

    /**
     * Encodes chars [from, to) into {@code out} at {@code pos}; returns the new position.
     * A lone surrogate becomes '?' as in {@code String.getBytes(UTF_8)}.
     */
    static int encode(char[] s, int from, int to, byte[] out, int pos) {
        for (int i = from; i < to; i++) {
            char c = s[i];
            if (c < 0x80) {
                out[pos++] = (byte) c;
            } else if (c < 0x800) {
                out[pos++] = (byte) (0xC0 | (c >> 6));
                out[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s[i + 1])) {
                    int cp = Character.toCodePoint(c, s[++i]);
                    out[pos++] = (byte) (0xF0 | (cp >> 18));
                    out[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    out[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    out[pos++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    out[pos++] = '?';
                }
            } else {
                out[pos++] = (byte) (0xE0 | (c >> 12));
                out[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return pos;
    }

    /** Number of bytes a sequence starting with {@code lead} needs (1 for ASCII or invalid leads). */
    private static int expectedLength(int lead) {
        if (lead < 0xC2) {
            return 1;
        } else if (lead < 0xE0) {
            return 2;
        } else if (lead < 0xF0) {
            return 3;
        } else if (lead < 0xF5) {
            return 4;
        }
        return 1;
    }

    /** Whether {@code b} may follow {@code lead} as the second byte (handles overlongs and surrogates). */
    private static boolean validSecond(int lead, int b) {
        return switch (lead) {
            case 0xE0 -> b >= 0xA0 && b <= 0xBF;
            case 0xED -> b >= 0x80 && b <= 0x9F;
            case 0xF0 -> b >= 0x90 && b <= 0xBF;
            case 0xF4 -> b >= 0x80 && b <= 0x8F;
            default -> b >= 0x80 && b <= 0xBF;
        };
    }

    /**
     * Length of the valid prefix of the sequence starting at {@code i}: equals the expected length
     * when the character is complete, less when it is cut short or broken (at least 1).
     */
    private static int validPrefix(byte[] b, int i, int end) {
        int lead = b[i] & 0xFF;
        int need = expectedLength(lead);
        if (need == 1) {
            return 1;
        }
        int k = 1;
        while (k < need && i + k < end) {
            int c = b[i + k] & 0xFF;
            boolean ok = k == 1 ? validSecond(lead, c) : (c >= 0x80 && c <= 0xBF);
            if (!ok) {
                break;
            }
            k++;
        }
        return k;
    }

    /** Decodes bytes [from, to), replacing invalid or truncated sequences with U+FFFD. */
    public static String decode(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        decodeInto(b, from, to, sb, false);
        return sb.toString();
    }

    /**
     * Decodes into {@code sb}; when {@code holdIncomplete} is set, a trailing sequence that is a valid
     * but unfinished prefix is not decoded. Returns the index where decoding stopped.
     */
    static int decodeInto(byte[] b, int from, int to, StringBuilder sb, boolean holdIncomplete) {
        int i = from;
        while (i < to) {
            int lead = b[i] & 0xFF;
            if (lead < 0x80) {
                sb.append((char) lead);
                i++;
                continue;
            }
            int need = expectedLength(lead);
            int have = validPrefix(b, i, to);
            if (need > 1 && have == need) {
                int cp = switch (need) {
                    case 2 -> ((lead & 0x1F) << 6) | (b[i + 1] & 0x3F);
                    case 3 -> ((lead & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
                    default -> ((lead & 0x07) << 18) | ((b[i + 1] & 0x3F) << 12)
                            | ((b[i + 2] & 0x3F) << 6) | (b[i + 3] & 0x3F);
                };
                sb.appendCodePoint(cp);
                i += need;
            } else {
                if (holdIncomplete && need > 1 && i + have == to) {
                    return i;
                }
                sb.append('\uFFFD');
                i += have;
            }
        }
        return i;
    }
}
