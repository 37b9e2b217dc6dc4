package jgpt.tokenizer;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Decodes ids one at a time for printing while generating: returns only complete UTF-8
 * characters and keeps the bytes of a character split across tokens until it is finished.
 * <pre>{@code
 * StreamingDecoder d = tokenizer.streamingDecoder();
 * for (int id : ids) System.out.print(d.push(id));  System.out.print(d.flush());
 * }</pre>
 */
public final class StreamingDecoder {
    private final IntFunction<byte[]> bytesOfId;
    private byte[] pending = new byte[16];
    private int size;

    /** {@code bytesOfId} gives the UTF-8 bytes (possibly a partial character) of one id. */
    public StreamingDecoder(IntFunction<byte[]> bytesOfId) {
        this.bytesOfId = bytesOfId;
    }

    /** Adds one id and returns the text that is now complete (possibly empty). */
    public String push(int id) {
        byte[] bytes = bytesOfId.apply(id);
        if (size + bytes.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, size + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, size, bytes.length);
        size += bytes.length;
        StringBuilder sb = new StringBuilder();
        int stop = Utf8.decodeInto(pending, 0, size, sb, true);
        System.arraycopy(pending, stop, pending, 0, size - stop);
        size -= stop;
        return sb.toString();
    }

    /** Returns what is still held back (an unfinished character becomes U+FFFD) and resets. */
    public String flush() {
        String s = Utf8.decode(pending, 0, size);
        size = 0;
        return s;
    }
}
