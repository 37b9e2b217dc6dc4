package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernels of {@link VectorGemm} for operands read in place at strides known only at run time
 * (A's row and k strides, B's row stride). C2 keeps a bounds check per load and some spilled offsets in
 * their loop, which costs 10-25% against {@link GemmKernels}; they serve the products narrower than one NR-wide
 * strip and narrow ones ending in a half strip, which the 32-wide kernel here reads without padding.
 */
final class StridedGemmKernels {
    private StridedGemmKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();

    /**
     * C[6 x 4VL] += op(A)[6 x kc] * op(B)[kc x 4VL], the 24 accumulators held in registers; op(A)[r, p] is
     * a[ai + r * aRow + p * aK] and row p of op(B) starts at b[bi + p * bK]. The tile starts from
     * src[si + r * lds ...] (C itself, or a zero row with lds 0) and is stored to c[ci + r * ldc ...].
     * Accumulators start from loaded values: starting them from zero()/mul() or merging them in a
     * conditional made C2 box every FMA result (measured 10x slower).
     */
    static void wide(int kc, float[] a, int ai, int aRow, int aK, float[] b, int bi, int bK,
                       float[] src, int si, int lds, float[] c, int ci, int ldc) {
        int a0 = ai, a1 = ai + aRow, a2 = a1 + aRow, a3 = a2 + aRow, a4 = a3 + aRow, a5 = a4 + aRow;
        int s0 = si, s1 = si + lds, s2 = s1 + lds, s3 = s2 + lds, s4 = s3 + lds, s5 = s4 + lds;
        int r0 = ci;
        int r1 = ci + 1 * ldc;
        int r2 = ci + 2 * ldc;
        int r3 = ci + 3 * ldc;
        int r4 = ci + 4 * ldc;
        int r5 = ci + 5 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, src, s0), c01 = FloatVector.fromArray(S, src, s0 + VL), c02 = FloatVector.fromArray(S, src, s0 + 2 * VL), c03 = FloatVector.fromArray(S, src, s0 + 3 * VL);
        FloatVector c10 = FloatVector.fromArray(S, src, s1), c11 = FloatVector.fromArray(S, src, s1 + VL), c12 = FloatVector.fromArray(S, src, s1 + 2 * VL), c13 = FloatVector.fromArray(S, src, s1 + 3 * VL);
        FloatVector c20 = FloatVector.fromArray(S, src, s2), c21 = FloatVector.fromArray(S, src, s2 + VL), c22 = FloatVector.fromArray(S, src, s2 + 2 * VL), c23 = FloatVector.fromArray(S, src, s2 + 3 * VL);
        FloatVector c30 = FloatVector.fromArray(S, src, s3), c31 = FloatVector.fromArray(S, src, s3 + VL), c32 = FloatVector.fromArray(S, src, s3 + 2 * VL), c33 = FloatVector.fromArray(S, src, s3 + 3 * VL);
        FloatVector c40 = FloatVector.fromArray(S, src, s4), c41 = FloatVector.fromArray(S, src, s4 + VL), c42 = FloatVector.fromArray(S, src, s4 + 2 * VL), c43 = FloatVector.fromArray(S, src, s4 + 3 * VL);
        FloatVector c50 = FloatVector.fromArray(S, src, s5), c51 = FloatVector.fromArray(S, src, s5 + VL), c52 = FloatVector.fromArray(S, src, s5 + 2 * VL), c53 = FloatVector.fromArray(S, src, s5 + 3 * VL);
        for (int p = 0, ak = 0; p < kc; p++, ak += aK, bi += bK) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + VL);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * VL);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * VL);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01); c02 = x0.fma(b2, c02); c03 = x0.fma(b3, c03);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11); c12 = x1.fma(b2, c12); c13 = x1.fma(b3, c13);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21); c22 = x2.fma(b2, c22); c23 = x2.fma(b3, c23);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31); c32 = x3.fma(b2, c32); c33 = x3.fma(b3, c33);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + ak]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41); c42 = x4.fma(b2, c42); c43 = x4.fma(b3, c43);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + ak]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51); c52 = x5.fma(b2, c52); c53 = x5.fma(b3, c53);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + VL); c02.intoArray(c, r0 + 2 * VL); c03.intoArray(c, r0 + 3 * VL);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + VL); c12.intoArray(c, r1 + 2 * VL); c13.intoArray(c, r1 + 3 * VL);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + VL); c22.intoArray(c, r2 + 2 * VL); c23.intoArray(c, r2 + 3 * VL);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + VL); c32.intoArray(c, r3 + 2 * VL); c33.intoArray(c, r3 + 3 * VL);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + VL); c42.intoArray(c, r4 + 2 * VL); c43.intoArray(c, r4 + 3 * VL);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + VL); c52.intoArray(c, r5 + 2 * VL); c53.intoArray(c, r5 + 3 * VL);
    }

    /**
     * C[6 x 2VL] += op(A)[6 x kc] * op(B)[kc x 2VL], the 12 accumulators held in registers; op(A)[r, p] is
     * a[ai + r * aRow + p * aK] and row p of op(B) starts at b[bi + p * bK]. The tile starts from
     * src[si + r * lds ...] (C itself, or a zero row with lds 0) and is stored to c[ci + r * ldc ...].
     * For strips of at most 2VL columns (attention with 32-wide heads), where the wide kernel would
     * compute half a tile of padding.
     */
    static void narrow(int kc, float[] a, int ai, int aRow, int aK, float[] b, int bi, int bK,
                       float[] src, int si, int lds, float[] c, int ci, int ldc) {
        int a0 = ai, a1 = ai + aRow, a2 = a1 + aRow, a3 = a2 + aRow, a4 = a3 + aRow, a5 = a4 + aRow;
        int s0 = si, s1 = si + lds, s2 = s1 + lds, s3 = s2 + lds, s4 = s3 + lds, s5 = s4 + lds;
        int r0 = ci;
        int r1 = ci + 1 * ldc;
        int r2 = ci + 2 * ldc;
        int r3 = ci + 3 * ldc;
        int r4 = ci + 4 * ldc;
        int r5 = ci + 5 * ldc;
        FloatVector c00 = FloatVector.fromArray(S, src, s0), c01 = FloatVector.fromArray(S, src, s0 + VL);
        FloatVector c10 = FloatVector.fromArray(S, src, s1), c11 = FloatVector.fromArray(S, src, s1 + VL);
        FloatVector c20 = FloatVector.fromArray(S, src, s2), c21 = FloatVector.fromArray(S, src, s2 + VL);
        FloatVector c30 = FloatVector.fromArray(S, src, s3), c31 = FloatVector.fromArray(S, src, s3 + VL);
        FloatVector c40 = FloatVector.fromArray(S, src, s4), c41 = FloatVector.fromArray(S, src, s4 + VL);
        FloatVector c50 = FloatVector.fromArray(S, src, s5), c51 = FloatVector.fromArray(S, src, s5 + VL);
        for (int p = 0, ak = 0; p < kc; p++, ak += aK, bi += bK) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + VL);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + ak]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + ak]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51);
        }
        c00.intoArray(c, r0); c01.intoArray(c, r0 + VL);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + VL);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + VL);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + VL);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + VL);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + VL);
    }
}
