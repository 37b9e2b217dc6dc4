package jgpt.nn;

import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;

/** Parameter initialisers. */
public final class Init {
    private Init() {}

    public static void normal(Tensor t, Rng rng, double std) {
        for (int i = 0; i < t.size(); i++) t.set(i, (float) (rng.nextGaussian() * std));
    }

    public static void fill(Tensor t, float value) {
        java.util.Arrays.fill(t.data(), t.offset(), t.offset() + t.size(), value);
    }
}
