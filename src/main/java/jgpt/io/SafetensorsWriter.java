package jgpt.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jgpt.UserException;

/**
 * Collects named tensors and writes them as one safetensors file, atomically and streaming (no full in-memory
 * copy). Header: compact JSON, keys sorted, padded with spaces to a multiple of 8; data in sorted-name order with
 * no gaps. Floats are stored as F32, F16 or BF16 (round to nearest even), ints as I32.
 * <pre>{@code
 * new SafetensorsWriter(DType.F32).metadata("format", "pt")
 *     .addFloats("wte.weight", new int[] {V, C}, wte, 0).write(Path.of("model.safetensors"));
 * }</pre>
 */
public final class SafetensorsWriter {
    private static final int CHUNK_BYTES = 1 << 20;

    /** Plain string order by Unicode code point (what Python's {@code sort_keys} uses). */
    static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };

    private record Entry(String name, DType dtype, int[] shape, float[] floats, int[] ints, int offset, long numel) {
    }

    private final DType floatDType;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    /** A writer storing float tensors as F32. */
    public SafetensorsWriter() {
        this(DType.F32);
    }

    /** A writer storing float tensors as {@code floatDType} (F32, F16 or BF16) unless given per tensor. */
    public SafetensorsWriter(DType floatDType) {
        this.floatDType = checkFloatType(floatDType);
    }

    /** Adds one {@code __metadata__} entry (replacing an earlier value for the same key). */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds all entries of {@code map} to {@code __metadata__}. */
    public SafetensorsWriter metadata(Map<String, String> map) {
        map.forEach(this::metadata);
        return this;
    }

    /** Adds a float tensor: elements {@code data[offset .. offset + product(shape))}, row-major. */
    public SafetensorsWriter addFloats(String name, int[] shape, float[] data, int offset) {
        return addFloats(name, shape, data, offset, floatDType);
    }

    /** Adds a float tensor stored as {@code dtype} (F32, F16 or BF16). */
    public SafetensorsWriter addFloats(String name, int[] shape, float[] data, int offset, DType dtype) {
        long n = check(name, shape, data.length, offset);
        entries.add(new Entry(name, checkFloatType(dtype), shape.clone(), data, null, offset, n));
        return this;
    }

    /** Adds an int tensor stored as I32: elements {@code data[offset .. offset + product(shape))}. */
    public SafetensorsWriter addInts(String name, int[] shape, int[] data, int offset) {
        long n = check(name, shape, data.length, offset);
        entries.add(new Entry(name, DType.I32, shape.clone(), null, data, offset, n));
        return this;
    }

    /** Number of tensors added so far. */
    public int size() {
        return entries.size();
    }

    private long check(String name, int[] shape, int length, int offset) {
        if (name == null || name.equals(SafetensorsFile.METADATA_KEY)) {
            throw new IllegalArgumentException("invalid tensor name: " + name);
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("duplicate tensor name: " + name);
        }
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (offset < 0 || offset > length || n > length - offset) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs " + n
                    + " elements from offset " + offset + " but the array has length " + length);
        }
        names.add(name);
        return n;
    }

    private static DType checkFloatType(DType t) {
        if (t != DType.F32 && t != DType.F16 && t != DType.BF16) {
            throw new IllegalArgumentException("float tensors can be written as F32, F16 or BF16, not " + t);
        }
        return t;
    }

    /**
     * Writes the file atomically (temp file + fsync + rename).
     *
     * @throws UserException if the file cannot be written (missing directory, permissions, disk full)
     */
    public void write(Path file) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::name, CODE_POINT_ORDER));
        byte[] header = header(sorted);
        try {
            AtomicFiles.write(file, out -> {
                out.write(header);
                byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, Math.max(8, maxBytes(sorted)))];
                for (Entry e : sorted) {
                    writeData(out, e, chunk);
                }
            });
        } catch (NoSuchFileException e) {
            throw new UserException(file + ": cannot write, directory " + file.toAbsolutePath().getParent()
                    + " does not exist; create it first", e);
        } catch (AccessDeniedException e) {
            throw new UserException(file + ": cannot write, permission denied; choose a writable location", e);
        } catch (IOException e) {
            throw new UserException(file + ": cannot write (" + String.valueOf(e.getMessage()).replaceAll("\\s+", " ")
                    + "); check the path and free disk space", e);
        }
    }

    private static long maxBytes(List<Entry> list) {
        long m = 0;
        for (Entry e : list) {
            m = Math.max(m, e.numel * e.dtype.size());
        }
        return m;
    }

    /** The padded header (8-byte length prefix included) for tensors in {@code sorted} order. */
    private byte[] header(List<Entry> sorted) {
        StringBuilder sb = new StringBuilder(64 + 96 * sorted.size());
        sb.append('{');
        // __metadata__ takes its sorted place among the tensor names
        TreeMap<String, Object> keys = new TreeMap<>(CODE_POINT_ORDER);
        if (!metadata.isEmpty()) {
            keys.put(SafetensorsFile.METADATA_KEY, metadata);
        }
        long offset = 0;
        Map<String, long[]> offsets = new LinkedHashMap<>();
        for (Entry e : sorted) {
            long len = e.numel * e.dtype.size();
            offsets.put(e.name, new long[] {offset, offset + len});
            offset += len;
            keys.put(e.name, e);
        }
        boolean first = true;
        for (Map.Entry<String, Object> k : keys.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            appendString(sb, k.getKey());
            sb.append(':');
            if (k.getValue() instanceof Entry e) {
                long[] o = offsets.get(e.name);
                sb.append("{\"data_offsets\":[").append(o[0]).append(',').append(o[1]).append("],\"dtype\":\"")
                        .append(e.dtype.name()).append("\",\"shape\":[");
                for (int i = 0; i < e.shape.length; i++) {
                    sb.append(i == 0 ? "" : ",").append(e.shape[i]);
                }
                sb.append("]}");
            } else {
                TreeMap<String, String> meta = new TreeMap<>(CODE_POINT_ORDER);
                meta.putAll(metadata);
                sb.append('{');
                boolean f2 = true;
                for (Map.Entry<String, String> m : meta.entrySet()) {
                    sb.append(f2 ? "" : ",");
                    f2 = false;
                    appendString(sb, m.getKey());
                    sb.append(':');
                    appendString(sb, m.getValue());
                }
                sb.append('}');
            }
        }
        sb.append('}');
        while (sb.length() % 8 != 0) {
            sb.append(' ');
        }
        byte[] json = sb.toString().getBytes(StandardCharsets.US_ASCII); // all non-ASCII is escaped
        byte[] out = new byte[8 + json.length];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
        System.arraycopy(json, 0, out, 8, json.length);
        return out;
    }

    /** JSON string as Python's {@code json.dumps} writes it (ASCII only, {@code \\uXXXX} lower-case hex). */
    static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7E) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void writeData(OutputStream out, Entry e, byte[] chunk) throws IOException {
        int esz = e.dtype.size();
        int per = chunk.length / esz;
        ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        for (long done = 0; done < e.numel; ) {
            int count = (int) Math.min(per, e.numel - done);
            int src = e.offset + (int) done;
            buf.clear();
            switch (e.dtype) {
                case F32 -> buf.asFloatBuffer().put(e.floats, src, count);
                case I32 -> buf.asIntBuffer().put(e.ints, src, count);
                case F16 -> {
                    for (int i = 0; i < count; i++) {
                        buf.putShort(2 * i, HalfPrecision.floatToHalf(e.floats[src + i]));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < count; i++) {
                        buf.putShort(2 * i, HalfPrecision.floatToBf16(e.floats[src + i]));
                    }
                }
                default -> throw new AssertionError(e.dtype);
            }
            out.write(chunk, 0, count * esz);
            done += count;
        }
    }
}
