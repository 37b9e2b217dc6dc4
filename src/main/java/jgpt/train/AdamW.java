package jgpt.train;

import jgpt.kernels.AdamWKernel;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Split;
import jgpt.nn.Parameters;

/**
 * AdamW (Loshchilov and Hutter 2019) with torch.optim.AdamW semantics. Weight decay applies only to the
 * parameters flagged for it (matrices and embeddings, rank >= 2), as nanoGPT configures its groups.
 * Moments live in two flat arrays parallel to the parameter array.
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
    private int step;
    private final java.util.Set<String> frozen = new java.util.HashSet<>();

    public AdamW(Parameters params, float beta1, float beta2, float eps, float weightDecay) {
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.m = new float[params.count()];
        this.v = new float[params.count()];
        this.update = (from, to) -> AdamWKernel.step(params.data(), params.grad(), gradScale, m, v, base + from, base + to,
                lr, beta1, beta2, eps, decay, step);
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
            base = e.offset();
            decay = e.decay() ? weightDecay : 0f;
            Split.range(e.tensor().size(), update);
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

    public float[] firstMoment() { return m; }

    public float[] secondMoment() { return v; }

    /** Restores state saved from {@link #firstMoment()}, {@link #secondMoment()} and {@link #stepCount()}. */
    public void restore(float[] m, float[] v, int step) {
        if (m.length != this.m.length || v.length != this.v.length) {
            throw new IllegalArgumentException("optimizer state has " + m.length + " values, model has " + this.m.length);
        }
        System.arraycopy(m, 0, this.m, 0, m.length);
        System.arraycopy(v, 0, this.v, 0, v.length);
        this.step = step;
    }
}
