package jgpt.train;

import jgpt.kernels.AdamWKernel;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Split;
import jgpt.nn.Parameters;

/**
 * AdamW (Loshchilov and Hutter 2019) with torch.optim.AdamW semantics. Weight decay applies only to the
 * parameters flagged for it (matrices and embeddings, rank >= 2), as nanoGPT configures its groups.
 * Moments live in two flat arrays parallel to the parameter array, or, for an optimizer shard (ZeRO stage 1),
 * parallel to one range of it: the shard updates only the parameters in its range (whose gradients a
 * reduce-scatter summed across ranks).
 * <pre>{@code
 * AdamW opt = new AdamW(model.parameters(), 0.9f, 0.95f, 1e-8f, 0.1f);
 * opt.step(lr);                                              // or, clipping as it updates:
 * opt.step(lr, GradClip.scaleFor(clip.norm(), maxNorm));
 * }</pre>
 */
public final class AdamW {
    private final Parameters params;
    private final float beta1, beta2, eps, weightDecay;
    private final float[] m, v;
    private final int lo, hi;
    private int step;
    private final java.util.Set<String> frozen = new java.util.HashSet<>();

    public AdamW(Parameters params, float beta1, float beta2, float eps, float weightDecay) {
        this(params, beta1, beta2, eps, weightDecay, 0, params.count());
    }

    /** The shard that updates parameters [lo, hi) only, keeping moments for them alone. */
    public AdamW(Parameters params, float beta1, float beta2, float eps, float weightDecay, int lo, int hi) {
        if (lo < 0 || hi < lo || hi > params.count()) throw new IllegalArgumentException("bad shard [" + lo + ", " + hi + ")");
        this.params = params;
        this.lo = lo;
        this.hi = hi;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new float[hi - lo];
        this.v = new float[hi - lo];
        this.update = (from, to) -> AdamWKernel.step(params.data(), params.grad(), gradScale, m, v, lo,
                base + from, base + to, lr, beta1, beta2, eps, decay, step);
    }

    /** Applies one update with learning rate {@code lr} using the gradients in the parameter set. */
    public void step(float lr) {
        step(lr, 1f);
    }

    /**
     * One update with the gradients multiplied by {@code gradScale} as they are read (the gradient array itself is
     * left as it is): pass {@link GradClip#scaleFor} to clip without a separate pass over the gradients.
     */
    public void step(float lr, float gradScale) {
        step++;
        this.lr = lr;
        this.gradScale = gradScale;
        var entries = params.entries();
        for (int i = 0; i < entries.size(); i++) {
            Parameters.Entry e = entries.get(i);
            if (!e.trainable() || frozen.contains(e.name())) continue;
            int from = Math.max(e.offset(), lo), to = Math.min(e.offset() + e.tensor().size(), hi);
            if (from >= to) continue;
            base = from;
            decay = e.decay() ? weightDecay : 0f;
            Split.range(to - from, update);
        }
    }

    // the entry being updated: fields rather than captured locals, so a step allocates nothing
    private float lr, decay, gradScale;
    private int base;
    private final IntRangeBody update;

    /** Leaves these parameters unchanged by {@link #step} (no update, no decay). */
    public void freeze(String... names) {
        for (String n : names) frozen.add(n);
    }

    /** Number of updates applied so far. */
    public int stepCount() { return step; }

    /** First moments of the parameters [{@link #shardStart()}, {@link #shardStart()} + length). */
    public float[] firstMoment() { return m; }

    public int shardStart() { return lo; }

    public float[] secondMoment() { return v; }

    /** Restores the whole model's moments (a shard keeps its range) and the step count. */
    public void restore(float[] m, float[] v, int step) {
        if (m.length != params.count() || v.length != params.count()) {
            throw new IllegalArgumentException("optimizer state has " + m.length + " values, model has " + params.count());
        }
        System.arraycopy(m, lo, this.m, 0, hi - lo);
        System.arraycopy(v, lo, this.v, 0, hi - lo);
        this.step = step;
    }
}
