package jgpt.io;

import java.nio.file.Path;

/**
 * Rewrites a PyTorch checkpoint as safetensors: every tensor under its own name and in its own precision (F32, F16
 * and BF16 bit-exact; F64 narrowed to F32, I64 to I32 when the values fit), written atomically. Tensors that share a
 * storage (tied embeddings) become separate copies, since safetensors has no aliasing.
 * <pre>{@code
 * CheckpointConversion.toSafetensors(Path.of("m/pytorch_model.bin"), Path.of("m/model.safetensors"));
 * }</pre>
 */
public final class CheckpointConversion {
    private CheckpointConversion() {}

    /** Converts {@code bin} to {@code out}; returns the number of tensors written. */
    public static int toSafetensors(Path bin, Path out) {
        try (PyTorchCheckpoint ckpt = PyTorchCheckpoint.open(bin)) {
            SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
            for (String name : ckpt.names()) {
                int[] shape = ckpt.shape(name);
                DType t = ckpt.dtype(name);
                if (t.isFloatingPoint()) {
                    w.addFloats(name, shape, ckpt.readFloats(name), 0, t == DType.F64 ? DType.F32 : t);
                } else {
                    w.addInts(name, shape, ckpt.readInts(name), 0);
                }
            }
            w.write(out);
            return w.size();
        }
    }
}
