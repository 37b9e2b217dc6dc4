package jgpt.translate;

import jgpt.tensor.Tensor;

/**
 * HF's MarianSinusoidalPositionalEmbedding, not interleaved: for k < C/2, angle = pos / 10000^(2k/C),
 * table[pos, k] = sin(angle), table[pos, C/2 + k] = cos(angle); computed in double, rounded to float.
 */
final class SinusoidalTable {
    private SinusoidalTable() {}

    static void fill(Tensor table) {
        int positions = table.shape().dim(0), c = table.shape().dim(1), half = c / 2;
        for (int p = 0; p < positions; p++) {
            for (int k = 0; k < half; k++) {
                double angle = p * Math.pow(10000.0, -2.0 * k / c);
                table.set(p, k, (float) Math.sin(angle));
                table.set(p, half + k, (float) Math.cos(angle));
            }
        }
    }
}
