package jgpt.tensor;

import java.util.Arrays;

/** Dimensions of a row-major tensor. Immutable. {@code Shape.of(2, 3).size() == 6}. */
public final class Shape {
    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            n *= d;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor too large: " + Arrays.toString(dims));
        this.dims = dims;
        this.size = (int) n;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public int rank() { return dims.length; }

    public int dim(int i) { return dims[i < 0 ? dims.length + i : i]; }

    public int size() { return size; }

    /** The last dimension (1 for a scalar). */
    public int last() { return dims.length == 0 ? 1 : dims[dims.length - 1]; }

    /** Number of rows when viewed as a matrix [size / last, last]. */
    public int rows() { return last() == 0 ? 0 : size / last(); }

    public int[] dims() { return dims.clone(); }

    /** Row-major strides, in elements. */
    public int[] strides() {
        int[] s = new int[dims.length];
        int stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = stride;
            stride *= dims[i];
        }
        return s;
    }

    /** Same dims with the last one replaced. */
    public Shape withLast(int last) {
        int[] d = dims.clone();
        d[d.length - 1] = last;
        return new Shape(d);
    }

    @Override public boolean equals(Object o) { return o instanceof Shape s && Arrays.equals(dims, s.dims); }

    @Override public int hashCode() { return Arrays.hashCode(dims); }

    @Override public String toString() { return Arrays.toString(dims); }
}
