package jgpt.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jgpt.UserException;
import jgpt.io.AtomicFiles;

/**
 * A SentencePiece tokenizer in pure Java that encodes and decodes exactly as the reference library (0.1.97): the
 * model's normalizer, then unigram Viterbi or BPE merges over the normalized UTF-8, runs of unknown characters
 * merged into one unknown piece (or spelled as {@code <0xNN>} byte pieces under byte_fallback), and decoding that
 * drops the leading {@code ▁}, prints unknown ids as {@code " ⁇ "} and control ids as nothing.
 * Thread-safe: every call uses its own scratch arrays.
 * <pre>{@code
 * SentencePieceTokenizer sp = SentencePieceTokenizer.load(Path.of("source.spm"));
 * int[] ids = sp.encode("¿Dónde está?"); String text = sp.decode(ids);
 * }</pre>
 */
public final class SentencePieceTokenizer implements Tokenizer {
    /** The file name {@link #save} writes and {@link Tokenizers#load} looks for. */
    public static final String FILE = "tokenizer.model";

    /** Splits normalized UTF-8 into (begin, end, id) triples appended to {@code out}. */
    interface Segmenter {
        void segment(byte[] normalized, int size, IntList out, EncodeScratch scratch);
    }

    private final SentencePieceModel model;
    private final byte[] serialized;
    private final SentencePieceNormalizer normalizer;
    private final SentencePieceNormalizer denormalizer;
    private final Segmenter segmenter;
    private final int[] byteIds;

    private SentencePieceTokenizer(SentencePieceModel model, byte[] serialized, String source) {
        this.model = model;
        this.serialized = serialized;
        List<byte[]> keys = new ArrayList<>(), userKeys = new ArrayList<>();
        IntList values = new IntList(), userValues = new IntList();
        for (int i = 0; i < model.size(); i++) {
            byte t = model.type(i);
            byte[] utf8 = model.piece(i).getBytes(StandardCharsets.UTF_8);
            if (t == SentencePieceModel.NORMAL || t == SentencePieceModel.USER_DEFINED || t == SentencePieceModel.UNUSED) {
                keys.add(utf8);
                values.add(i);
            }
            if (t == SentencePieceModel.USER_DEFINED) {
                userKeys.add(utf8);
                userValues.add(i);
            }
        }
        DoubleArrayTrie pieces = DoubleArrayTrie.build(keys.toArray(byte[][]::new), values.toArray());
        DoubleArrayTrie user = userKeys.isEmpty() ? null : DoubleArrayTrie.build(userKeys.toArray(byte[][]::new), userValues.toArray());
        this.normalizer = new SentencePieceNormalizer(model.normalizerSpec(), user, model.treatWhitespaceAsSuffix(), source);
        SentencePieceModel.NormalizerSpec de = model.denormalizerSpec();
        this.denormalizer = de == null || de.charsmap().length == 0 ? null : new SentencePieceNormalizer(de, null, false, source);
        this.segmenter = model.modelType() == SentencePieceModel.Type.BPE
                ? new SentencePieceBpe(model, pieces, user) : new UnigramEncoder(model, pieces);
        this.byteIds = new int[256];
        for (int b = 0; b < 256; b++) byteIds[b] = model.byteFallback() ? model.find(SentencePieceModel.bytePiece(b)) : -1;
    }

    /** Loads a {@code .model} file (e.g. a Marian folder's {@code source.spm}). */
    public static SentencePieceTokenizer load(Path file) {
        byte[] bytes;
        try {
            bytes = java.nio.file.Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserException(file + " not found; give the path of a SentencePiece .model file");
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
        return parse(bytes, file.toString());
    }

    /** Parses a serialized {@code ModelProto}; {@code source} names it in error messages. */
    public static SentencePieceTokenizer parse(byte[] bytes, String source) {
        return new SentencePieceTokenizer(SentencePieceModel.parse(bytes, source), bytes.clone(), source);
    }

    /** The model's pieces, scores and settings. */
    public SentencePieceModel model() {
        return model;
    }

    @Override
    public int vocabSize() {
        return model.size();
    }

    @Override
    public int[] encode(String text) {
        Encoded e = encodeSegments(text, EncodeScratch.get());
        int[] ids = new int[e.segments.size() / 3];
        for (int i = 0; i < ids.length; i++) ids[i] = e.segments.get(3 * i + 2);
        return ids;
    }

    /** The pieces of {@code text}; an unknown piece is the normalized text it covers, not {@code <unk>}. */
    public List<String> encodeAsPieces(String text) {
        Encoded e = encodeSegments(text, EncodeScratch.get());
        int n = e.segments.size() / 3;
        List<String> pieces = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int begin = e.segments.get(3 * i), end = e.segments.get(3 * i + 1), id = e.segments.get(3 * i + 2);
            pieces.add(begin < 0 || id != model.unkId() ? model.piece(id)
                    : new String(e.normalized, begin, end - begin, StandardCharsets.UTF_8));
        }
        return pieces;
    }

    /** Normalized text (UTF-8) and its pieces as (begin, end, id) triples; begin is -1 for byte-fallback pieces. */
    private record Encoded(byte[] normalized, IntList segments) {
    }

    /** Encodes into the thread's scratch buffers (valid until its next encode). */
    private Encoded encodeSegments(String text, EncodeScratch scratch) {
        int length = scratch.utf8(text);
        ByteList norm = scratch.normalized;
        normalizer.normalize(scratch.input, length, norm);
        byte[] s = norm.array();
        IntList raw = scratch.raw;
        raw.clear();
        segmenter.segment(s, norm.size(), raw, scratch);
        IntList out = scratch.segments;
        out.clear();
        boolean prevUnk = false;
        int unk = model.unkId();
        for (int k = 0; k < raw.size(); k += 3) {
            int begin = raw.get(k), end = raw.get(k + 1), id = raw.get(k + 2);
            boolean isUnk = id == unk;
            if (isUnk && model.byteFallback()) {
                for (int i = begin; i < end; i++) {
                    out.add(-1);
                    out.add(-1);
                    out.add(byteIds[s[i] & 0xFF]);
                }
            } else if (isUnk && prevUnk) {
                out.set(out.size() - 2, end); // a run of unknown characters is one unknown piece
            } else {
                out.add(begin);
                out.add(end);
                out.add(id);
            }
            prevUnk = isUnk;
        }
        return new Encoded(s, out);
    }

    @Override
    public String decode(int[] ids) {
        List<String> pieces = new ArrayList<>(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= model.size()) throw new UserException("token id " + id + " is outside the vocabulary [0, " + model.size() + ")");
            pieces.add(model.piece(id));
        }
        return decodePieces(pieces);
    }

    /** Joins pieces back into text (a piece that is not in the model is copied as it is). */
    public String decodePieces(List<String> pieces) {
        ByteList text = new ByteList(pieces.size() * 8);
        byte[] bytes = new byte[pieces.size()];
        int nBytes = 0;
        boolean bosWs = true, bosWsSeen = false;
        SentencePieceModel.NormalizerSpec spec = model.normalizerSpec();
        for (String piece : pieces) {
            int id = model.pieceToId(piece);
            if (model.type(id) == SentencePieceModel.BYTE) {
                bytes[nBytes++] = (byte) SentencePieceModel.byteValue(model.piece(id));
                continue;
            }
            appendBytes(bytes, nBytes, text);
            nBytes = 0;
            if (bosWsSeen || text.size() > 0) bosWs = false;
            bosWsSeen = false;
            String surface;
            byte type = model.type(id);
            if (type == SentencePieceModel.CONTROL) {
                surface = "";
            } else if (type == SentencePieceModel.UNKNOWN) {
                surface = model.piece(id).equals(piece) ? model.unkSurface() : piece;
            } else {
                String p = piece;
                if (bosWs && (spec.addDummyPrefix() || spec.removeExtraWhitespaces())) {
                    bosWsSeen = p.startsWith("\u2581");
                    if (bosWsSeen) p = p.substring(1);
                    if (spec.removeExtraWhitespaces()) bosWsSeen = false; // then every leading space goes
                }
                surface = p.replace('\u2581', ' ');
            }
            text.addAll(surface.getBytes(StandardCharsets.UTF_8));
        }
        appendBytes(bytes, nBytes, text);
        if (denormalizer != null) {
            ByteList out = new ByteList(text.size());
            denormalizer.normalize(text.array(), text.size(), out);
            text = out;
        }
        return new String(text.array(), 0, text.size(), StandardCharsets.UTF_8);
    }

    /** Byte pieces become their UTF-8 characters; each byte of an invalid sequence becomes U+FFFD. */
    private static void appendBytes(byte[] b, int n, ByteList text) {
        for (int i = 0; i < n; ) {
            int len = validCharLength(b, i, n);
            if (len == 0) {
                text.addAll(REPLACEMENT);
                i++;
            } else {
                for (int k = 0; k < len; k++) text.add(b[i + k]);
                i += len;
            }
        }
    }

    private static final byte[] REPLACEMENT = "\uFFFD".getBytes(StandardCharsets.UTF_8);

    /** Length of the well-formed UTF-8 character at {@code i}, or 0 (SentencePiece's IsValidDecodeUTF8). */
    static int validCharLength(byte[] b, int i, int n) {
        int c = b[i] & 0xFF;
        if (c < 0x80) return 1;
        int len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || n - i < len) return 0;
        int cp = c & (0x7F >> len);
        for (int k = 1; k < len; k++) {
            if ((b[i + k] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (b[i + k] & 0x3F);
        }
        int min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
        boolean ok = cp >= min && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
        return ok ? len : 0;
    }

    /**
     * Streams ids as text: each piece's surface with {@code ▁} as a space (so, unlike {@link #decode(int[])}, a
     * leading space is kept), byte pieces as their bytes, control pieces as nothing.
     */
    @Override
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(id -> {
            byte type = model.type(id);
            String surface = switch (type) {
                case SentencePieceModel.CONTROL -> "";
                case SentencePieceModel.UNKNOWN -> model.unkSurface();
                case SentencePieceModel.BYTE -> null;
                default -> model.piece(id).replace('\u2581', ' ');
            };
            return surface == null ? new byte[] {(byte) SentencePieceModel.byteValue(model.piece(id))}
                    : surface.getBytes(StandardCharsets.UTF_8);
        });
    }

    /** The piece of {@code id}. */
    public String idToPiece(int id) {
        return model.piece(id);
    }

    /** The id of {@code piece}, or the unknown id. */
    public int pieceToId(String piece) {
        return model.pieceToId(piece);
    }

    /** The id of {@code </s>} when it is a control piece, else -1. */
    @Override
    public int endOfTextId() {
        int id = model.find("</s>");
        return id >= 0 && model.type(id) == SentencePieceModel.CONTROL ? id : -1;
    }

    /** Copies the model file, unchanged, to {@code modelDir/tokenizer.model}. */
    @Override
    public void save(Path modelDir) throws IOException {
        AtomicFiles.write(modelDir.resolve(FILE), serialized);
    }
}
