package jgpt.io;

import jgpt.UserException;

/**
 * Element types of safetensors tensors that jgpt can read (all) and write (F32, F16, BF16, I32).
 * <pre>{@code
 * DType t = DType.parse("F16", "model.safetensors", "wte.weight");
 * long bytes = numel * t.size();
 * }</pre>
 */
public enum DType {
    /** IEEE binary32. */
    F32(4, true),
    /** IEEE binary16 (half precision), including subnormals. */
    F16(2, true),
    /** bfloat16: the upper 16 bits of a binary32. */
    BF16(2, true),
    /** Signed 32-bit integer. */
    I32(4, false),
    /** IEEE binary64; read only (narrowed to float32 with round-to-nearest-even). */
    F64(8, true),
    /** Signed 64-bit integer; read only (must fit in an int). */
    I64(8, false);

    private final int size;
    private final boolean floating;

    DType(int size, boolean floating) {
        this.size = size;
        this.floating = floating;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** True for floating-point types (read with {@code readFloats}), false for integers ({@code readInts}). */
    public boolean isFloatingPoint() {
        return floating;
    }

    /** True when {@link SafetensorsWriter} can write this type. */
    public boolean isWritable() {
        return this == F32 || this == F16 || this == BF16 || this == I32;
    }

    /**
     * Parses a safetensors dtype string such as {@code "F32"}.
     *
     * @throws UserException naming the file and tensor when the dtype is unknown or not supported
     */
    public static DType parse(String s, String file, String tensor) {
        for (DType t : values()) {
            if (t.name().equals(s)) {
                return t;
            }
        }
        String known = switch (s) {
            case "BOOL", "U8", "I8", "U16", "I16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3",
                 "F6_E3M2", "C64" -> "a valid safetensors dtype that jgpt does not support";
            default -> "not a known safetensors dtype";
        };
        throw new UserException(file + ": tensor '" + tensor + "' has dtype \"" + s + "\", " + known
                + "; supported are F32, F16, BF16, F64, I32, I64 (convert the file, e.g. to F32)");
    }
}
