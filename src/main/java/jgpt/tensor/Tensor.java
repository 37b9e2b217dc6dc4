package jgpt.tensor;

import jgpt.autograd.Tape;

/**
 * A float32 tensor: a contiguous row-major window {@code [offset, offset + size)} of a flat array,
 * optionally with a gradient window of the same size. Parameters are views into one large
 * parameter array (and one large gradient array), llm.c style, so the optimizer and
 * gradient zeroing run over a single buffer.
 * <pre>{@code
 * Tensor t = Tensor.zeros(Shape.of(2, 3));
 * t.set(1, 2, 5f);
 * }</pre>
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final Shape shape;
    private final float[] grad;
    private final int gradOffset;
    private final Tape tape;

    public Tensor(float[] data, int offset, Shape shape, float[] grad, int gradOffset, Tape tape) {
        if (offset < 0 || offset + shape.size() > data.length) {
            throw new IllegalArgumentException("view " + shape + " at " + offset + " exceeds buffer of " + data.length);
        }
        if (grad != null && (gradOffset < 0 || gradOffset + shape.size() > grad.length)) {
            throw new IllegalArgumentException("gradient view exceeds buffer");
        }
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.grad = grad;
        this.gradOffset = gradOffset;
        this.tape = tape;
    }

    /** A constant (no gradient) tensor over a new zeroed array. */
    public static Tensor zeros(Shape shape) {
        return new Tensor(new float[shape.size()], 0, shape, null, 0, null);
    }

    /** A constant tensor wrapping {@code data} (not copied). */
    public static Tensor of(Shape shape, float[] data) {
        return new Tensor(data, 0, shape, null, 0, null);
    }

    /** A leaf that requires a gradient, over new arrays (handy in tests). */
    public static Tensor leaf(Shape shape, float[] data) {
        return new Tensor(data, 0, shape, new float[shape.size()], 0, null);
    }

    public float[] data() { return data; }
    public int offset() { return offset; }
    public Shape shape() { return shape; }
    public int size() { return shape.size(); }
    public boolean requiresGrad() { return grad != null; }
    public float[] grad() { return grad; }
    public int gradOffset() { return gradOffset; }
    /** The tape that recorded this tensor's creation, or null for leaves and constants. */
    public Tape tape() { return tape; }

    public float get(int i) { return data[offset + i]; }
    public void set(int i, float v) { data[offset + i] = v; }
    public float get(int r, int c) { return data[offset + r * shape.last() + c]; }
    public void set(int r, int c, float v) { data[offset + r * shape.last() + c] = v; }
    public float gradAt(int i) { return grad[gradOffset + i]; }

    /** Copies the values out into a new array. */
    public float[] toArray() {
        float[] out = new float[size()];
        System.arraycopy(data, offset, out, 0, out.length);
        return out;
    }

    /** Copies the gradient out into a new array. */
    public float[] gradToArray() {
        float[] out = new float[size()];
        System.arraycopy(grad, gradOffset, out, 0, out.length);
        return out;
    }

    /** Same storage, new shape with the same number of elements. */
    public Tensor view(Shape newShape) {
        if (newShape.size() != size()) throw new IllegalArgumentException("cannot view " + shape + " as " + newShape);
        return new Tensor(data, offset, newShape, grad, gradOffset, tape);
    }

    @Override public String toString() { return "Tensor" + shape + (grad != null ? " (grad)" : ""); }
}
