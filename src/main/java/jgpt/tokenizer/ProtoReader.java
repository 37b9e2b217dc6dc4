package jgpt.tokenizer;

import java.nio.charset.StandardCharsets;
import jgpt.UserException;

/**
 * A minimal reader of the protobuf wire format (varint, fixed32, fixed64, length-delimited), enough for the
 * dozen fields of a SentencePiece {@code ModelProto}. Every read is bounds-checked; a malformed message becomes a
 * {@link UserException} naming the file, so a corrupt {@code .model} never crashes with a stack trace.
 * <pre>{@code
 * ProtoReader r = new ProtoReader(bytes, 0, bytes.length, "m.model");
 * while (r.next()) { if (r.field() == 1) r.string(); else r.skip(); }
 * }</pre>
 */
final class ProtoReader {
    static final int VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

    private final byte[] buf;
    private final int end;
    private final String source;
    private int pos;
    private int field;
    private int wireType;

    ProtoReader(byte[] buf, int from, int to, String source) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
        this.source = source;
    }

    /** Reads the next tag; false at the end of this message. */
    boolean next() {
        if (pos >= end) return false;
        long tag = rawVarint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field <= 0 || tag >>> 3 > 0x1FFFFFFFL) throw corrupt("invalid field number " + (tag >>> 3));
        return true;
    }

    int field() {
        return field;
    }

    long varint(String name) {
        expect(VARINT, name);
        return rawVarint();
    }

    boolean bool(String name) {
        return varint(name) != 0;
    }

    /** An int32/enum field: negative values arrive as ten-byte varints and truncate to the low 32 bits. */
    int int32(String name) {
        return (int) varint(name);
    }

    float float32(String name) {
        expect(FIXED32, name);
        need(4);
        int bits = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    String string(String name) {
        int len = length(name);
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    byte[] bytes(String name) {
        int len = length(name);
        byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return b;
    }

    /** A reader over the embedded message of this field (this reader moves past it). */
    ProtoReader message(String name) {
        int len = length(name);
        ProtoReader sub = new ProtoReader(buf, pos, pos + len, source);
        pos += len;
        return sub;
    }

    /** Skips a field this reader does not use. */
    void skip() {
        switch (wireType) {
            case VARINT -> rawVarint();
            case FIXED64 -> advance(8);
            case LEN -> advance(length("field " + field));
            case FIXED32 -> advance(4);
            default -> throw corrupt("field " + field + " has unsupported wire type " + wireType);
        }
    }

    UserException corrupt(String what) {
        return new UserException(source + " is not a valid SentencePiece model (" + what
                + "); give the .model file that spm_train wrote");
    }

    private int length(String name) {
        expect(LEN, name);
        long len = rawVarint();
        if (len < 0 || len > end - pos) throw corrupt(name + " is truncated (needs " + len + " bytes, " + (end - pos) + " left)");
        return (int) len;
    }

    private void expect(int type, String name) {
        if (wireType != type) throw corrupt(name + " (field " + field + ") has wire type " + wireType + ", expected " + type);
    }

    private void advance(int n) {
        need(n);
        pos += n;
    }

    private void need(int n) {
        if (n > end - pos) throw corrupt("truncated at byte " + pos);
    }

    private long rawVarint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw corrupt("truncated varint at byte " + pos);
            byte b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) return v;
        }
        throw corrupt("varint longer than 10 bytes at byte " + pos);
    }
}
