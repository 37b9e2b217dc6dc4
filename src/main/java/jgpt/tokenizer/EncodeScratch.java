package jgpt.tokenizer;

/**
 * Per-thread buffers reused by every SentencePiece encode call. Allocating them per call streamed ~6 KB of fresh
 * memory per sentence through the cache; on the shared 2-core machine that made encoding 3-4x slower
 * (40k vs 150k sentences per CPU-second on the Spanish test split) once the young generation had grown.
 */
final class EncodeScratch {
    private static final ThreadLocal<EncodeScratch> PER_THREAD = ThreadLocal.withInitial(EncodeScratch::new);

    byte[] input = new byte[256];
    final ByteList normalized = new ByteList(256);
    final IntList raw = new IntList(256);
    final IntList segments = new IntList(256);
    private float[] floats = new float[256];
    private int[] ints0 = new int[256], ints1 = new int[256], ints2 = new int[256], ints3 = new int[256], ints4 = new int[256];
    /** The BPE merge queue, emptied and reused. */
    final SentencePieceBpe.Agenda agenda = new SentencePieceBpe.Agenda(256);

    static EncodeScratch get() {
        return PER_THREAD.get();
    }

    /** UTF-8 of {@code s} into {@link #input}; returns its length (lone surrogates become '?', as String.getBytes does). */
    int utf8(String s) {
        int n = s.length();
        if (input.length < 3 * n) input = new byte[Math.max(3 * n, 2 * input.length)];
        byte[] b = input;
        int at = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[at++] = (byte) c;
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | c >> 6);
                b[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[at++] = (byte) (0xF0 | cp >> 18);
                b[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[at++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                b[at++] = '?';
            } else {
                b[at++] = (byte) (0xE0 | c >> 12);
                b[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return at;
    }

    float[] floats(int n) {
        if (floats.length < n) floats = new float[Math.max(n, 2 * floats.length)];
        return floats;
    }

    int[] ints0(int n) {
        if (ints0.length < n) ints0 = new int[Math.max(n, 2 * ints0.length)];
        return ints0;
    }

    int[] ints1(int n) {
        if (ints1.length < n) ints1 = new int[Math.max(n, 2 * ints1.length)];
        return ints1;
    }

    int[] ints3(int n) {
        if (ints3.length < n) ints3 = new int[Math.max(n, 2 * ints3.length)];
        return ints3;
    }

    int[] ints4(int n) {
        if (ints4.length < n) ints4 = new int[Math.max(n, 2 * ints4.length)];
        return ints4;
    }

    int[] ints2(int n) {
        if (ints2.length < n) ints2 = new int[Math.max(n, 2 * ints2.length)];
        return ints2;
    }
}
