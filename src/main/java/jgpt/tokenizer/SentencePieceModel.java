package jgpt.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import jgpt.UserException;

/**
 * The contents of a SentencePiece {@code .model} file (a serialized {@code ModelProto}): the pieces with their scores
 * and types, the model type, and the normalizer settings.
 *
 * <p>Parsed with {@link ProtoReader}, a 130-line reader of the protobuf wire format, rather than protobuf-java: the
 * file uses a dozen scalar fields of three messages, while protobuf-java 4.x is a 1.9 MB jar (4.32.1: 1,883,046 B,
 * about as large as everything else jgpt ships) plus a generated 5,000-line class or a runtime descriptor. Fields
 * this code does not use (training options) are skipped by wire type, so models from newer trainers still load.
 * <pre>{@code
 * SentencePieceModel m = SentencePieceModel.load(Path.of("source.spm"));
 * int unk = m.unkId();
 * }</pre>
 */
public final class SentencePieceModel {
    /** {@code ModelProto.SentencePiece.Type} values. */
    public static final byte NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    /** {@code TrainerSpec.ModelType}: the segmentation algorithm. */
    public enum Type { UNIGRAM, BPE }

    /** {@code NormalizerSpec}: the precompiled character map (empty for identity) and the whitespace rules. */
    public record NormalizerSpec(String name, byte[] charsmap, boolean addDummyPrefix, boolean removeExtraWhitespaces,
                                 boolean escapeWhitespaces) {
    }

    static final String DEFAULT_UNK_SURFACE = " \u2047 ";

    private final String[] pieces;
    private final float[] scores;
    private final byte[] types;
    private final Type type;
    private final boolean byteFallback;
    private final boolean treatWhitespaceAsSuffix;
    private final String unkSurface;
    private final NormalizerSpec normalizer;
    private final NormalizerSpec denormalizer;
    private final Map<String, Integer> ids;
    private final int unkId;

    private SentencePieceModel(String[] pieces, float[] scores, byte[] types, Type type, boolean byteFallback,
                               boolean suffix, String unkSurface, NormalizerSpec normalizer, NormalizerSpec denormalizer,
                               ProtoReader errors) {
        this.pieces = pieces;
        this.scores = scores;
        this.types = types;
        this.type = type;
        this.byteFallback = byteFallback;
        this.treatWhitespaceAsSuffix = suffix;
        this.unkSurface = unkSurface;
        this.normalizer = normalizer;
        this.denormalizer = denormalizer;
        this.ids = HashMap.newHashMap(pieces.length);
        int unk = -1;
        for (int i = 0; i < pieces.length; i++) {
            if (pieces[i].isEmpty()) throw errors.corrupt("piece " + i + " is empty");
            if (ids.putIfAbsent(pieces[i], i) != null) throw errors.corrupt("piece '" + pieces[i] + "' is defined twice");
            if (types[i] == UNKNOWN) {
                if (unk >= 0) throw errors.corrupt("more than one unknown piece");
                unk = i;
            }
            if (types[i] == BYTE && (!byteFallback || byteValue(pieces[i]) < 0)) {
                throw errors.corrupt("byte piece '" + pieces[i] + "' without byte_fallback or not of the form <0xNN>");
            }
            if (types[i] < NORMAL || types[i] > BYTE) throw errors.corrupt("piece " + i + " has unknown type " + types[i]);
        }
        if (unk < 0) throw errors.corrupt("no unknown piece");
        this.unkId = unk;
        if (byteFallback) {
            for (int b = 0; b < 256; b++) {
                Integer id = ids.get(bytePiece(b));
                if (id == null || types[id] != BYTE) throw errors.corrupt("byte_fallback is set but piece " + bytePiece(b) + " is missing");
            }
        }
    }

    /** Reads a {@code .model} file. */
    public static SentencePieceModel load(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new UserException(file + " not found; give the path of a SentencePiece .model file");
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Parses a serialized {@code ModelProto}; {@code source} names it in error messages. */
    public static SentencePieceModel parse(byte[] bytes, String source) {
        ProtoReader r = new ProtoReader(bytes, 0, bytes.length, source);
        var pieces = new java.util.ArrayList<String>();
        var scores = new FloatList();
        var types = new java.io.ByteArrayOutputStream();
        int modelType = 1;
        boolean byteFallback = false, suffix = false;
        String unkSurface = DEFAULT_UNK_SURFACE;
        NormalizerSpec normalizer = null, denormalizer = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    ProtoReader p = r.message("pieces");
                    String piece = null;
                    float score = 0;
                    int type = NORMAL;
                    while (p.next()) {
                        switch (p.field()) {
                            case 1 -> piece = p.string("piece");
                            case 2 -> score = p.float32("score");
                            case 3 -> type = p.int32("type");
                            default -> p.skip();
                        }
                    }
                    if (piece == null) throw r.corrupt("piece " + pieces.size() + " has no text");
                    pieces.add(piece);
                    scores.add(score);
                    types.write(type < 0 || type > 127 ? 0 : type);
                }
                case 2 -> {
                    ProtoReader t = r.message("trainer_spec");
                    while (t.next()) {
                        switch (t.field()) {
                            case 3 -> modelType = t.int32("model_type");
                            case 24 -> suffix = t.bool("treat_whitespace_as_suffix");
                            case 35 -> byteFallback = t.bool("byte_fallback");
                            case 44 -> unkSurface = t.string("unk_surface");
                            default -> t.skip();
                        }
                    }
                }
                case 3 -> normalizer = normalizerSpec(r.message("normalizer_spec"));
                case 5 -> denormalizer = normalizerSpec(r.message("denormalizer_spec"));
                default -> r.skip();
            }
        }
        if (pieces.isEmpty()) throw r.corrupt("no pieces");
        Type type = switch (modelType) {
            case 1 -> Type.UNIGRAM;
            case 2 -> Type.BPE;
            case 3, 4 -> throw new UserException(source + ": model_type " + (modelType == 3 ? "WORD" : "CHAR")
                    + " is not supported; train a unigram or bpe model");
            default -> throw r.corrupt("unknown model_type " + modelType);
        };
        if (normalizer == null) normalizer = new NormalizerSpec("", new byte[0], true, true, true);
        return new SentencePieceModel(pieces.toArray(String[]::new), scores.toArray(), types.toByteArray(), type,
                byteFallback, suffix, unkSurface, normalizer, denormalizer, r);
    }

    private static NormalizerSpec normalizerSpec(ProtoReader n) {
        String name = "";
        byte[] charsmap = new byte[0];
        boolean dummy = true, extra = true, escape = true;
        while (n.next()) {
            switch (n.field()) {
                case 1 -> name = n.string("normalizer_spec.name");
                case 2 -> charsmap = n.bytes("precompiled_charsmap");
                case 3 -> dummy = n.bool("add_dummy_prefix");
                case 4 -> extra = n.bool("remove_extra_whitespaces");
                case 5 -> escape = n.bool("escape_whitespaces");
                default -> n.skip();
            }
        }
        return new NormalizerSpec(name, charsmap, dummy, extra, escape);
    }

    /** The byte value of a {@code <0xNN>} piece, or -1. */
    static int byteValue(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') return -1;
        int hi = Character.digit(piece.charAt(3), 16), lo = Character.digit(piece.charAt(4), 16);
        boolean upper = Character.isUpperCase(piece.charAt(3)) || Character.isDigit(piece.charAt(3));
        upper &= Character.isUpperCase(piece.charAt(4)) || Character.isDigit(piece.charAt(4));
        return hi < 0 || lo < 0 || !upper ? -1 : hi * 16 + lo;
    }

    static String bytePiece(int b) {
        return String.format("<0x%02X>", b);
    }

    public int size() { return pieces.length; }

    public String piece(int id) { return pieces[id]; }

    public float score(int id) { return scores[id]; }

    /** The piece type: {@link #NORMAL}, {@link #UNKNOWN}, {@link #CONTROL}, {@link #USER_DEFINED}, {@link #UNUSED} or {@link #BYTE}. */
    public byte type(int id) { return types[id]; }

    public Type modelType() { return type; }

    public boolean byteFallback() { return byteFallback; }

    public boolean treatWhitespaceAsSuffix() { return treatWhitespaceAsSuffix; }

    /** What an unknown id decodes to (default {@code " ⁇ "}). */
    public String unkSurface() { return unkSurface; }

    public NormalizerSpec normalizerSpec() { return normalizer; }

    /** The decoding-side normalizer, or null when the model has none. */
    public NormalizerSpec denormalizerSpec() { return denormalizer; }

    public int unkId() { return unkId; }

    /** The id of {@code piece}, or the unknown id when it is not a piece (as {@code PieceToId} does). */
    public int pieceToId(String piece) {
        Integer id = ids.get(piece);
        return id == null ? unkId : id;
    }

    /** The id of {@code piece}, or -1. */
    public int find(String piece) {
        Integer id = ids.get(piece);
        return id == null ? -1 : id;
    }

    private static final class FloatList {
        float[] a = new float[256];
        int n;

        void add(float f) {
            if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2);
            a[n++] = f;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
