package jgpt.io;

import java.util.Arrays;

/**
 * One tensor entry of a safetensors header: dtype, shape and byte range within the data section.
 * <pre>{@code
 * TensorInfo t = file.info("wte.weight");
 * long n = t.numel();   // product of t.shape()
 * }</pre>
 *
 * @param begin first byte, counted from the start of the data section
 * @param end   one past the last byte
 */
public record TensorInfo(String name, DType dtype, int[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    /** A copy of the shape (row-major). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape (1 for a scalar with shape []). */
    public long numel() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Byte length in the file. */
    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
    }
}
