package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemv} for a batch of inputs (batched decoding): y[b*yStride + r] = W[r] · x_b for rows [r0, r1) and
 * inputs b in [0, batch), x_b at xs[b*xStride, +k). Two weight rows times four inputs per pass: 12 loads feed 16
 * FMAs (a lone row-times-input product needs one load per FMA), and the two rows, read from memory once, serve
 * every input while they sit in L1. Each (row, input) keeps the exact accumulation order of {@link Gemv#rows}
 * (two accumulators over 2L-float steps, then summed), so a result is bitwise the same as decoding that input
 * alone; shapes that order does not cover (k not a multiple of 2L, leftover rows and inputs) go to Gemv itself.
 */
public final class BatchGemv {
    private BatchGemv() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    public static void rows(float[] w, int wOff, int k, float[] xs, int xStride, int batch, float[] y, int yStride, int r0, int r1) {
        if (k % (2 * L) != 0) {
            for (int b = 0; b < batch; b++) Gemv.rows(w, wOff, k, xs, b * xStride, y, b * yStride, r0, r1);
            return;
        }
        int b4 = batch - batch % 4, rEnd = r0 + ((r1 - r0) & ~1);
        for (int r = r0; r < rEnd; r += 2) {
            for (int b = 0; b < b4; b += 4) quad(w, wOff + r * k, k, xs, b * xStride, xStride, y, b * yStride + r, yStride);
        }
        for (int b = b4; b < batch; b++) Gemv.rows(w, wOff, k, xs, b * xStride, y, b * yStride, r0, rEnd);
        if (rEnd < r1) {
            for (int b = 0; b < batch; b++) Gemv.rows(w, wOff, k, xs, b * xStride, y, b * yStride, rEnd, r1);
        }
    }

    /** Rows at w[wi] and w[wi + k] times inputs at xs[xi + j*xStride], j < 4; results at y[yi + j*yStride] (+1 for the second row). */
    private static void quad(float[] w, int wi, int k, float[] xs, int xi, int xStride, float[] y, int yi, int yStride) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), b0 = FloatVector.zero(S), b1 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), d0 = FloatVector.zero(S), d1 = FloatVector.zero(S);
        FloatVector e0 = FloatVector.zero(S), e1 = FloatVector.zero(S), f0 = FloatVector.zero(S), f1 = FloatVector.zero(S);
        FloatVector g0 = FloatVector.zero(S), g1 = FloatVector.zero(S), h0 = FloatVector.zero(S), h1 = FloatVector.zero(S);
        int wj = wi + k, x1 = xi + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (int p = 0; p < k; p += 2 * L) {
            FloatVector u0 = FloatVector.fromArray(S, w, wi + p), u1 = FloatVector.fromArray(S, w, wi + p + L);
            FloatVector v0 = FloatVector.fromArray(S, w, wj + p), v1 = FloatVector.fromArray(S, w, wj + p + L);
            FloatVector p0 = FloatVector.fromArray(S, xs, xi + p), p1 = FloatVector.fromArray(S, xs, xi + p + L);
            a0 = u0.fma(p0, a0); a1 = u1.fma(p1, a1); e0 = v0.fma(p0, e0); e1 = v1.fma(p1, e1);
            FloatVector q0 = FloatVector.fromArray(S, xs, x1 + p), q1 = FloatVector.fromArray(S, xs, x1 + p + L);
            b0 = u0.fma(q0, b0); b1 = u1.fma(q1, b1); f0 = v0.fma(q0, f0); f1 = v1.fma(q1, f1);
            FloatVector r0 = FloatVector.fromArray(S, xs, x2 + p), r1 = FloatVector.fromArray(S, xs, x2 + p + L);
            c0 = u0.fma(r0, c0); c1 = u1.fma(r1, c1); g0 = v0.fma(r0, g0); g1 = v1.fma(r1, g1);
            FloatVector s0 = FloatVector.fromArray(S, xs, x3 + p), s1 = FloatVector.fromArray(S, xs, x3 + p + L);
            d0 = u0.fma(s0, d0); d1 = u1.fma(s1, d1); h0 = v0.fma(s0, h0); h1 = v1.fma(s1, h1);
        }
        y[yi] = VecMath.sum(VecMath.typed(a0).add(a1));
        y[yi + yStride] = VecMath.sum(VecMath.typed(b0).add(b1));
        y[yi + 2 * yStride] = VecMath.sum(VecMath.typed(c0).add(c1));
        y[yi + 3 * yStride] = VecMath.sum(VecMath.typed(d0).add(d1));
        y[yi + 1] = VecMath.sum(VecMath.typed(e0).add(e1));
        y[yi + 1 + yStride] = VecMath.sum(VecMath.typed(f0).add(f1));
        y[yi + 1 + 2 * yStride] = VecMath.sum(VecMath.typed(g0).add(g1));
        y[yi + 1 + 3 * yStride] = VecMath.sum(VecMath.typed(h0).add(h1));
    }

    /** Plain-loop specification of {@link #rows}. */
    public static void rowsScalar(float[] w, int wOff, int k, float[] xs, int xStride, int batch, float[] y, int yStride, int r0, int r1) {
        for (int b = 0; b < batch; b++) Gemv.rowsScalar(w, wOff, k, xs, b * xStride, y, b * yStride, r0, r1);
    }
}
