package jgpt.model;

import jgpt.tensor.Tensor;

/**
 * The fixed position table of Vaswani et al. (2017): PE[p, 2i] = sin(p / 10000^(2i/C)),
 * PE[p, 2i+1] = cos(p / 10000^(2i/C)). Stored in wpe.weight so HF sees an ordinary (frozen) table.
 */
final class SinusoidalPositions {
    private SinusoidalPositions() {}

    static void fill(Tensor wpe) {
        int positions = wpe.shape().dim(0), c = wpe.shape().dim(1);
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < c; i++) {
                double angle = p / Math.pow(10000.0, (i - (i % 2)) / (double) c);
                wpe.set(p, i, (float) (i % 2 == 0 ? Math.sin(angle) : Math.cos(angle)));
            }
        }
    }
}
