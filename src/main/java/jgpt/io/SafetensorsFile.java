package jgpt.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jgpt.UserException;

/**
 * Reads a safetensors file: validates the whole header on {@link #open}, then reads tensors on demand with
 * positional channel reads (works for files larger than 2 GB; thread-safe). Every problem with the file is a
 * {@link UserException} whose one-line message names the file.
 * <pre>{@code
 * try (SafetensorsFile f = SafetensorsFile.open(Path.of("model.safetensors"))) {
 *     float[] wte = f.readFloats("wte.weight");   // F32, F16, BF16 or F64 converted to float32
 * }}</pre>
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Largest accepted header (the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    /** Key of the string-to-string metadata map in the header. */
    public static final String METADATA_KEY = "__metadata__";

    private static final int CHUNK_BYTES = 1 << 20;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private final Path path;
    private final String label;
    private final FileChannel channel;
    private final long dataStart;
    private final long dataSize;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, long dataSize,
            Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.label = path.toString();
        this.channel = channel;
        this.dataStart = dataStart;
        this.dataSize = dataSize;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Opens and validates {@code file}: header length vs file size, JSON syntax, every entry's dtype, shape and
     * data_offsets (size matches shape, inside the data section, no overlaps) and the metadata map.
     *
     * @throws UserException for a missing/unreadable file or any malformed content
     */
    public static SafetensorsFile open(Path file) {
        String label = file.toString();
        if (Files.isDirectory(file)) {
            throw new UserException(label + ": is a directory; pass the path of a .safetensors file");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new UserException(label + ": file not found; check the path");
        } catch (AccessDeniedException e) {
            throw new UserException(label + ": permission denied; check the file's permissions");
        } catch (IOException e) {
            throw new UserException(label + ": cannot open (" + oneLine(e.getMessage()) + ")", e);
        }
        try {
            SafetensorsFile f = parse(file, ch);
            ch = null;
            return f;
        } catch (IOException e) {
            throw new UserException(label + ": read error (" + oneLine(e.getMessage()) + ")", e);
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    private static SafetensorsFile parse(Path file, FileChannel ch) throws IOException {
        String label = file.toString();
        long fileSize = ch.size();
        if (fileSize == 0) {
            throw new UserException(label + ": file is empty (0 bytes); it is not a safetensors file "
                    + "(was a download or save interrupted?)");
        }
        if (fileSize < 8) {
            throw new UserException(label + ": file is only " + fileSize
                    + " bytes, too short for the 8-byte header length; the file is truncated or not safetensors");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, label);
        long n = lenBuf.getLong(0);
        String nStr = Long.toUnsignedString(n);
        if (n < 0 || n > fileSize - 8) {
            throw new UserException(label + ": header length " + nStr + " exceeds file size " + fileSize
                    + "; the file is truncated or not safetensors");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new UserException(label + ": header length " + nStr + " is larger than the 100 MB limit"
                    + "; the file is corrupt or not safetensors");
        }
        if (n < 2) {
            throw new UserException(label + ": header length " + nStr
                    + " is too small for a JSON header; the file is corrupt or not safetensors");
        }
        ByteBuffer hdr = ByteBuffer.allocate((int) n);
        readFully(ch, hdr, 8, label);
        byte[] bytes = hdr.array();
        if (bytes[0] != '{') {
            throw new UserException(label + ": header does not start with '{' (first byte 0x"
                    + String.format("%02x", bytes[0] & 0xFF) + "); the file is not safetensors");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at header byte " + e.getLocation().getByteOffset();
            String why = oneLine(e.getOriginalMessage());
            if (why.startsWith("Trailing token")) {
                why = "extra content after the closing '}'";
            }
            throw new UserException(label + ": header is not valid JSON" + where + " (" + why
                    + "); the file is corrupt or not safetensors", e);
        }
        if (root == null || !root.isObject()) {
            throw new UserException(label + ": header is not a JSON object; the file is corrupt or not safetensors");
        }
        long dataSize = fileSize - 8 - n;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals(METADATA_KEY)) {
                parseMetadata(label, v, metadata);
            } else {
                tensors.put(name, parseEntry(label, name, v, dataSize));
            }
        }
        checkOverlaps(label, tensors);
        return new SafetensorsFile(file, ch, 8 + n, dataSize, tensors, metadata);
    }

    private static void parseMetadata(String label, JsonNode v, Map<String, String> out) {
        if (!v.isObject()) {
            throw new UserException(label + ": \"" + METADATA_KEY + "\" must be a JSON object of strings, found "
                    + v.getNodeType().toString().toLowerCase() + "; the file is corrupt");
        }
        for (Map.Entry<String, JsonNode> m : v.properties()) {
            if (!m.getValue().isTextual()) {
                throw new UserException(label + ": metadata value for \"" + m.getKey() + "\" is "
                        + m.getValue().getNodeType().toString().toLowerCase()
                        + ", but safetensors metadata values must be strings; re-save the file with string metadata");
            }
            out.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static TensorInfo parseEntry(String label, String name, JsonNode v, long dataSize) {
        String where = label + ": tensor '" + name + "'";
        String fix = "; the file is corrupt or was written by a broken tool";
        if (!v.isObject()) {
            throw new UserException(where + " is not a JSON object with dtype/shape/data_offsets" + fix);
        }
        JsonNode dt = v.get("dtype");
        JsonNode sh = v.get("shape");
        JsonNode off = v.get("data_offsets");
        if (dt == null || sh == null || off == null) {
            String missing = dt == null ? "dtype" : sh == null ? "shape" : "data_offsets";
            throw new UserException(where + " has no \"" + missing + "\" field" + fix);
        }
        if (!dt.isTextual()) {
            throw new UserException(where + ": \"dtype\" must be a string such as \"F32\"" + fix);
        }
        DType dtype = DType.parse(dt.textValue(), label, name);
        if (!sh.isArray()) {
            throw new UserException(where + ": \"shape\" must be an array of non-negative integers" + fix);
        }
        int[] shape = new int[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || d.bigIntegerValue().signum() < 0
                    || d.bigIntegerValue().bitLength() > 31) {
                throw new UserException(where + ": shape " + sh + " must contain integers in [0, 2^31)" + fix);
            }
            shape[i] = d.intValue();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException ex) {
                throw new UserException(where + ": shape " + sh + " has too many elements" + fix);
            }
        }
        if (!off.isArray() || off.size() != 2 || !isLong(off.get(0)) || !isLong(off.get(1))) {
            throw new UserException(where + ": \"data_offsets\" must be [begin, end] with non-negative integers, found "
                    + abbreviate(off.toString()) + fix);
        }
        long begin = off.get(0).longValue();
        long end = off.get(1).longValue();
        if (end < begin) {
            throw new UserException(where + ": data_offsets [" + begin + ", " + end + "] end before they begin" + fix);
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel, dtype.size());
        } catch (ArithmeticException ex) {
            throw new UserException(where + ": shape " + sh + " has too many elements" + fix);
        }
        if (end - begin != expected) {
            throw new UserException(where + ": data_offsets [" + begin + ", " + end + "] span " + (end - begin)
                    + " bytes but shape " + sh + " of " + dtype + " needs " + expected + " bytes" + fix);
        }
        if (end > dataSize) {
            throw new UserException(where + ": data_offsets [" + begin + ", " + end + "] go past the end of the data"
                    + " section (" + dataSize + " bytes); the file is truncated (re-download or re-save it)");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static boolean isLong(JsonNode n) {
        return n != null && n.isIntegralNumber() && n.bigIntegerValue().signum() >= 0
                && n.bigIntegerValue().bitLength() <= 63;
    }

    private static void checkOverlaps(String label, Map<String, TensorInfo> tensors) {
        List<TensorInfo> list = new ArrayList<>(tensors.values());
        list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        for (int i = 1; i < list.size(); i++) {
            TensorInfo a = list.get(i - 1);
            TensorInfo b = list.get(i);
            if (b.begin() < a.end()) {
                throw new UserException(label + ": tensors '" + a.name() + "' [" + a.begin() + ", " + a.end()
                        + ") and '" + b.name() + "' [" + b.begin() + ", " + b.end()
                        + ") overlap in the data section; the file is corrupt or was written by a broken tool");
            }
        }
    }

    /** The file this reader was opened on. */
    public Path path() {
        return path;
    }

    /** Tensor names in header order (sorted for files written by jgpt and by the safetensors library). */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** True if the file has a tensor called {@code name}. */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** All header entries, in header order. */
    public List<TensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    /**
     * The header entry of {@code name}.
     *
     * @throws UserException if there is no such tensor
     */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new UserException(label + ": has no tensor named '" + name + "' (" + tensors.size()
                    + " tensors, e.g. " + abbreviate(String.join(", ", tensors.keySet()))
                    + "); check that the file belongs to this model");
        }
        return t;
    }

    /** Shape of {@code name} (a copy). */
    public int[] shape(String name) {
        return info(name).shape();
    }

    /** Element type of {@code name}. */
    public DType dtype(String name) {
        return info(name).dtype();
    }

    /** Number of elements of {@code name}. */
    public long numel(String name) {
        return info(name).numel();
    }

    /** The {@code __metadata__} map (empty if absent), in header order. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Size of the data section in bytes (everything after the header). */
    public long dataSize() {
        return dataSize;
    }

    /** Reads a floating-point tensor (F32, F16, BF16 or F64) converted to float32 (exact except F64). */
    public float[] readFloats(String name) {
        TensorInfo t = info(name);
        float[] dst = new float[arrayLength(t)];
        readFloats(name, dst, 0);
        return dst;
    }

    /** Reads a floating-point tensor into {@code dst[off .. off + numel)}. */
    public void readFloats(String name, float[] dst, int off) {
        TensorInfo t = info(name);
        if (!t.dtype().isFloatingPoint()) {
            throw new UserException(label + ": tensor '" + name + "' has integer dtype " + t.dtype()
                    + " where floating-point weights were expected; check that the file belongs to this model");
        }
        int n = arrayLength(t);
        checkRange(dst.length, off, n, name);
        read(t, (buf, pos, count) -> {
            switch (t.dtype()) {
                case F32 -> buf.asFloatBuffer().get(dst, off + pos, count);
                case F16, BF16 -> {
                    boolean half = t.dtype() == DType.F16;
                    for (int i = 0; i < count; i++) {
                        short s = buf.getShort(2 * i);
                        dst[off + pos + i] = half ? HalfPrecision.halfToFloat(s) : HalfPrecision.bf16ToFloat(s);
                    }
                }
                case F64 -> {
                    for (int i = 0; i < count; i++) {
                        dst[off + pos + i] = (float) buf.getDouble(8 * i);
                    }
                }
                default -> throw new AssertionError(t.dtype());
            }
        });
    }

    /** Reads an integer tensor (I32, or I64 whose values fit in an int). */
    public int[] readInts(String name) {
        TensorInfo t = info(name);
        int[] dst = new int[arrayLength(t)];
        readInts(name, dst, 0);
        return dst;
    }

    /** Reads an integer tensor into {@code dst[off .. off + numel)}. */
    public void readInts(String name, int[] dst, int off) {
        TensorInfo t = info(name);
        if (t.dtype().isFloatingPoint()) {
            throw new UserException(label + ": tensor '" + name + "' has dtype " + t.dtype()
                    + " where integers (I32) were expected; check that the file belongs to this use");
        }
        int n = arrayLength(t);
        checkRange(dst.length, off, n, name);
        read(t, (buf, pos, count) -> {
            if (t.dtype() == DType.I32) {
                buf.asIntBuffer().get(dst, off + pos, count);
            } else {
                for (int i = 0; i < count; i++) {
                    long v = buf.getLong(8 * i);
                    if (v != (int) v) {
                        throw new UserException(label + ": tensor '" + name + "' element " + (pos + i) + " = " + v
                                + " does not fit in a 32-bit int; store it as I32");
                    }
                    dst[off + pos + i] = (int) v;
                }
            }
        });
    }

    private interface ChunkSink {
        /** {@code buf} holds {@code count} little-endian elements starting at element {@code pos}. */
        void accept(ByteBuffer buf, int pos, int count);
    }

    private void read(TensorInfo t, ChunkSink sink) {
        int esz = t.dtype().size();
        long total = t.numel();
        if (total == 0) {
            return;
        }
        int chunk = (int) Math.min(total, CHUNK_BYTES / esz);
        try (Arena arena = Arena.ofConfined()) {
            ByteBuffer buf = arena.allocate((long) chunk * esz, 8).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long pos = dataStart + t.begin();
            for (long done = 0; done < total; ) {
                int count = (int) Math.min(chunk, total - done);
                buf.clear().limit(count * esz);
                readFully(channel, buf, pos, label);
                buf.flip();
                sink.accept(buf, (int) done, count);
                pos += (long) count * esz;
                done += count;
            }
        } catch (IOException e) {
            throw new UserException(label + ": read error in tensor '" + t.name() + "' ("
                    + oneLine(e.getMessage()) + ")", e);
        }
    }

    private int arrayLength(TensorInfo t) {
        long n = t.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new UserException(label + ": tensor '" + t.name() + "' has " + n
                    + " elements, more than a Java array can hold; it cannot be loaded");
        }
        return (int) n;
    }

    private static void checkRange(int length, int off, int n, String name) {
        if (off < 0 || off > length - n) {
            throw new IndexOutOfBoundsException("tensor '" + name + "' has " + n + " elements; does not fit at offset "
                    + off + " of an array of length " + length);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, String label) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new UserException(label + ": unexpected end of file at byte " + pos
                        + "; the file is truncated (it may have changed while being read)");
            }
            pos += r;
        }
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s+", " ").trim();
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    /** Closes the underlying file. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing useful to do on close of a read-only file
        }
    }
}
