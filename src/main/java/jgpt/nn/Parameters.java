package jgpt.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Split;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/**
 * All parameters of a model in one flat array, with their gradients in a second one (as llm.c does):
 * each parameter is a named {@link Tensor} view. The optimizer, gradient zeroing and clipping then work
 * on a handful of contiguous arrays instead of hundreds of small ones.
 * <pre>{@code
 * Parameters p = new Parameters(totalCount);
 * Tensor w = p.create("h.0.mlp.c_fc.weight", Shape.of(c, 4 * c), true, true);
 * }</pre>
 */
public final class Parameters {
    /** One named parameter: where it lives and how the optimizer treats it. */
    public record Entry(String name, Tensor tensor, int offset, boolean decay, boolean trainable) {}

    private final float[] data;
    private final float[] grad;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** Zeroes a range of the gradients; one instance, so zeroing every step allocates nothing. */
    private final IntRangeBody zeroRange = (from, to) -> java.util.Arrays.fill(grad(), from, to, 0f);
    private List<Entry> entryList = List.of(); // in creation order; rebuilt by create, read every optimizer step
    private int used;

    public Parameters(int total) {
        this(total, true);
    }

    /** With {@code withGrad} false no gradient array is allocated (inference: half the memory). */
    public Parameters(int total, boolean withGrad) {
        this(new float[total], withGrad ? new float[total] : null);
    }

    /**
     * A layout over existing arrays: given another model's values and a fresh gradient array, the result is a
     * replica that reads the same weights but accumulates its own gradients (data-parallel training).
     */
    public Parameters(float[] data, float[] grad) {
        if (grad != null && grad.length != data.length) throw new IllegalArgumentException("gradient and value arrays differ in length");
        this.data = data;
        this.grad = grad;
    }

    /**
     * Carves the next slice of the flat arrays. {@code decay}: apply weight decay (matrices and embeddings);
     * {@code trainable}: false for fixed tensors such as sinusoidal position tables (no gradient).
     */
    public Tensor create(String name, Shape shape, boolean decay, boolean trainable) {
        if (entries.containsKey(name)) throw new IllegalArgumentException("duplicate parameter " + name);
        if (used + shape.size() > data.length) throw new IllegalStateException("parameter layout exceeds " + data.length);
        Tensor t = new Tensor(data, used, shape, trainable && grad != null ? grad : null, used, null);
        entries.put(name, new Entry(name, t, used, decay, trainable));
        entryList = List.copyOf(entries.values());
        used += shape.size();
        return t;
    }

    public Tensor get(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new IllegalArgumentException("no parameter " + name);
        return e.tensor();
    }

    public boolean has(String name) { return entries.containsKey(name); }

    public List<Entry> entries() { return entryList; }

    public float[] data() { return data; }

    public float[] grad() { return grad; }

    /** Number of scalars (including non-trainable ones). */
    public int count() { return used; }

    public void zeroGrad() {
        if (grad == null) throw new IllegalStateException("this model was loaded for inference (no gradients)");
        // on all cores: one core alone writes GPT-2's 0.5 GB of gradients at ~10 GB/s (52 ms of a 1.3 s step)
        Split.range(grad.length, zeroRange);
    }

    /** Checks that every slot of the precomputed layout was used. */
    public void checkComplete() {
        if (used != data.length) throw new IllegalStateException("parameter layout used " + used + " of " + data.length);
    }
}
