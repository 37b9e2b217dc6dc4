package jgpt.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import jgpt.UserException;

/**
 * A PyTorch checkpoint ({@code pytorch_model.bin}, the zip format {@code torch.save} has written since 1.6) read
 * without running any of its code: {@code data.pkl} goes through {@link SafePickle} (allow-listed opcodes and
 * globals), each storage is the zip record {@code data/<key>} in little-endian order, and a tensor is a view of a
 * storage (offset and strides honoured, so non-contiguous views and storages shared between tensors read correctly).
 * <pre>{@code
 * try (PyTorchCheckpoint ckpt = PyTorchCheckpoint.open(Path.of("pytorch_model.bin"))) {
 *     float[] w = ckpt.readFloats("model.shared.weight"); int[] shape = ckpt.shape("model.shared.weight");
 * }
 * }</pre>
 */
public final class PyTorchCheckpoint implements AutoCloseable {
    /** One storage: its zip record and element type. */
    private record Storage(String key, DType dtype, long numel) {
    }

    /** A tensor: a strided view into a storage. */
    private record View(Storage storage, long offset, int[] shape, long[] stride) {
    }

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final Map<String, View> tensors = new LinkedHashMap<>();

    private PyTorchCheckpoint(Path file, ZipFile zip, String prefix) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
    }

    /**
     * Opens a checkpoint and reads its state dict (a dict of tensors, possibly nested under {@code "state_dict"} or
     * {@code "model"}); tensor data is read on demand.
     *
     * @throws UserException for a missing file, the legacy non-zip format, or a pickle outside the allow-list
     */
    public static PyTorchCheckpoint open(Path file) {
        if (!Files.isRegularFile(file)) throw new UserException(file + " not found; give the path of a pytorch_model.bin");
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new UserException(file + " is not a zip-format PyTorch checkpoint (files saved before PyTorch 1.6 or"
                    + " with _use_new_zipfile_serialization=False are not supported); re-save it with torch.save");
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
        try {
            ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("/data.pkl") && e.getName().indexOf('/') == e.getName().length() - 9)
                    .findFirst().orElseThrow(() -> new UserException(file + " has no <archive>/data.pkl record; it is not a torch.save checkpoint"));
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null && !new String(read(zip, order, file), java.nio.charset.StandardCharsets.US_ASCII).strip().equals("little")) {
                throw new UserException(file + " was saved on a big-endian machine; re-save it on a little-endian one");
            }
            PyTorchCheckpoint ckpt = new PyTorchCheckpoint(file, zip, prefix);
            ckpt.collect("", SafePickle.load(read(zip, pkl, file), file.toString(), ckpt::storage));
            if (ckpt.tensors.isEmpty()) throw new UserException(file + " holds no tensors");
            return ckpt;
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    private Object storage(SafePickle.Tuple pid) {
        if (pid.size() < 5 || !"storage".equals(pid.get(0)) || !(pid.get(1) instanceof SafePickle.Global type)
                || !(pid.get(2) instanceof String key) || !(pid.get(4) instanceof Long numel)) {
            throw new UserException(file + " has a persistent id that is not a tensor storage");
        }
        DType dtype = switch (type.name()) {
            case "FloatStorage" -> DType.F32;
            case "HalfStorage" -> DType.F16;
            case "BFloat16Storage" -> DType.BF16;
            case "DoubleStorage" -> DType.F64;
            case "LongStorage" -> DType.I64;
            case "IntStorage" -> DType.I32;
            default -> throw new UserException(file + " stores a tensor as torch." + type.name()
                    + ", which jgpt does not read (float32/16, bfloat16, float64, int64, int32 only)");
        };
        ZipEntry e = zip.getEntry(prefix + "data/" + key);
        if (e == null) throw new UserException(file + " lacks the record data/" + key + " of one of its tensors");
        if (e.getSize() >= 0 && e.getSize() < numel * dtype.size()) {
            throw new UserException(file + ": record data/" + key + " has " + e.getSize() + " bytes, its storage needs " + numel * dtype.size());
        }
        return new Storage(key, dtype, numel);
    }

    /** Walks the unpickled object: tensors at any depth of nested dicts, named by their dotted path. */
    private void collect(String path, Object o) {
        if (o instanceof Map<?, ?> m) {
            boolean wrapper = path.isEmpty() && m.size() <= 4 && (m.containsKey("state_dict") || m.containsKey("model"));
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) continue;
                if (wrapper && !k.equals("state_dict") && !k.equals("model")) continue;
                collect(wrapper ? "" : path.isEmpty() ? k : path + "." + k, e.getValue());
            }
        } else if (o instanceof SafePickle.Rebuilt r) {
            if (!(r.storage() instanceof Storage s)) throw new UserException(file + ": tensor " + path + " has no storage");
            if (r.shape().length != r.stride().length) throw new UserException(file + ": tensor " + path + " has mismatched size and stride");
            int[] shape = new int[r.shape().length];
            long last = r.offset();
            for (int i = 0; i < shape.length; i++) {
                if (r.shape()[i] < 0 || r.shape()[i] > Integer.MAX_VALUE || r.stride()[i] < 0) {
                    throw new UserException(file + ": tensor " + path + " has an invalid size or stride");
                }
                shape[i] = (int) r.shape()[i];
                if (shape[i] == 0) last = -1;
                if (last >= 0) last += (r.shape()[i] - 1) * r.stride()[i];
            }
            if (r.offset() < 0 || last >= s.numel()) {
                throw new UserException(file + ": tensor " + path + " reads past the end of its storage");
            }
            tensors.put(path, new View(s, r.offset(), shape, r.stride()));
        }
    }

    /** Tensor names in the order of the state dict. */
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public int[] shape(String name) {
        return view(name).shape().clone();
    }

    /** Element type of the tensor's storage (F32, F16, BF16, F64, I64 or I32). */
    public DType dtype(String name) {
        return view(name).storage().dtype();
    }

    public long numel(String name) {
        long n = 1;
        for (int d : view(name).shape()) n *= d;
        return n;
    }

    /** The tensor as float32, row-major and contiguous (F16/BF16 widened exactly, F64 rounded to nearest). */
    public float[] readFloats(String name) {
        View v = view(name);
        if (!v.storage().dtype().isFloatingPoint()) throw new UserException(file + ": tensor " + name + " holds integers, not floats");
        ByteBuffer data = storageBytes(v.storage());
        float[] out = new float[Math.toIntExact(numel(name))];
        DType t = v.storage().dtype();
        gather(v, (i, element) -> out[i] = switch (t) {
            case F32 -> data.getFloat(Math.toIntExact(element * 4));
            case F16 -> HalfPrecision.halfToFloat(data.getShort(Math.toIntExact(element * 2)));
            case BF16 -> HalfPrecision.bf16ToFloat(data.getShort(Math.toIntExact(element * 2)));
            default -> (float) data.getDouble(Math.toIntExact(element * 8));
        });
        return out;
    }

    /** An integer tensor, row-major (I64 values must fit in an int). */
    public int[] readInts(String name) {
        View v = view(name);
        if (v.storage().dtype().isFloatingPoint()) throw new UserException(file + ": tensor " + name + " holds floats, not integers");
        ByteBuffer data = storageBytes(v.storage());
        int[] out = new int[Math.toIntExact(numel(name))];
        boolean wide = v.storage().dtype() == DType.I64;
        gather(v, (i, element) -> {
            long x = wide ? data.getLong(Math.toIntExact(element * 8)) : data.getInt(Math.toIntExact(element * 4));
            if (x != (int) x) throw new UserException(file + ": tensor " + name + " holds " + x + ", outside the int range");
            out[i] = (int) x;
        });
        return out;
    }

    private interface ElementSink {
        void accept(int index, long storageElement);
    }

    /** Visits the view's elements in row-major order with their storage positions. */
    private static void gather(View v, ElementSink sink) {
        int rank = v.shape().length;
        int[] idx = new int[rank];
        long n = 1;
        for (int d : v.shape()) n *= d;
        long at = v.offset();
        for (int i = 0; i < n; i++) {
            sink.accept(i, at);
            for (int d = rank - 1; d >= 0; d--) { // odometer: advance the last axis, carry into earlier ones
                if (++idx[d] < v.shape()[d]) {
                    at += v.stride()[d];
                    break;
                }
                at -= (long) (idx[d] - 1) * v.stride()[d];
                idx[d] = 0;
            }
        }
    }

    private ByteBuffer storageBytes(Storage s) {
        ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
        return ByteBuffer.wrap(read(zip, e, file)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private View view(String name) {
        View v = tensors.get(name);
        if (v == null) throw new UserException(file + " has no tensor named " + name);
        return v;
    }

    private static byte[] read(ZipFile zip, ZipEntry e, Path file) {
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        } catch (IOException ex) {
            throw new UserException("cannot read " + e.getName() + " in " + file + ": " + ex.getMessage());
        }
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    @Override
    public String toString() {
        return "PyTorchCheckpoint[" + file + ", " + tensors.size() + " tensors]";
    }
}
