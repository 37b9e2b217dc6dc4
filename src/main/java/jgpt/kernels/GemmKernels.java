package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernel of {@link VectorGemm} for packed operands: an MR x (vectors x VL) block
 * of C held in registers, one broadcast of A and one FMA per accumulator per k.
 */
final class GemmKernels {
    private GemmKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();

    static final int MR = 6;
    static final int NR = 4 * VL;
    /** Depth of a k block, and so the row stride of a packed A strip (see {@link GemmPacking#packARows}). */
    static final int KC = Integer.getInteger("jgpt.gemm.kc", 256);

    /**
     * C[6 x 4VL] += A[6 x kc] * B[kc x 4VL]: A's row r at a[ai + r * lda ...] (a packed strip, lda = KC, or an
     * untransposed A read in place) and B's row p from a packed strip at b[bi + p * NR ...]. The tile starts from
     * src[si + r * lds ...] (C itself, or a zero row with lds 0) and is stored to c[ci + r * ldc ...].
     * Every index is an invariant plus p times a constant, so C2 proves them all in range before the loop. With
     * the k strides passed in ({@link StridedGemmKernels}) it keeps eight bounds checks and several spilled
     * offsets per k, scalar work that competes with the 24 FMAs for their ports (GPT-2 shapes 4-22% slower).
     * Unrolling k by two here spilled accumulators (30% slower).
     * Accumulators start from loaded values: starting them from zero()/mul() or merging them in a conditional
     * made C2 box every FMA result (measured 10x slower).
     */
    static void wide(int kc, float[] a, int ai, int lda, float[] b, int bi,
                     float[] src, int si, int lds, float[] c, int ci, int ldc) {
        int a0 = ai, a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        int s0 = si, s1 = si + lds, s2 = s1 + lds, s3 = s2 + lds, s4 = s3 + lds, s5 = s4 + lds;
        FloatVector c00 = FloatVector.fromArray(S, src, s0), c01 = FloatVector.fromArray(S, src, s0 + VL), c02 = FloatVector.fromArray(S, src, s0 + 2 * VL), c03 = FloatVector.fromArray(S, src, s0 + 3 * VL);
        FloatVector c10 = FloatVector.fromArray(S, src, s1), c11 = FloatVector.fromArray(S, src, s1 + VL), c12 = FloatVector.fromArray(S, src, s1 + 2 * VL), c13 = FloatVector.fromArray(S, src, s1 + 3 * VL);
        FloatVector c20 = FloatVector.fromArray(S, src, s2), c21 = FloatVector.fromArray(S, src, s2 + VL), c22 = FloatVector.fromArray(S, src, s2 + 2 * VL), c23 = FloatVector.fromArray(S, src, s2 + 3 * VL);
        FloatVector c30 = FloatVector.fromArray(S, src, s3), c31 = FloatVector.fromArray(S, src, s3 + VL), c32 = FloatVector.fromArray(S, src, s3 + 2 * VL), c33 = FloatVector.fromArray(S, src, s3 + 3 * VL);
        FloatVector c40 = FloatVector.fromArray(S, src, s4), c41 = FloatVector.fromArray(S, src, s4 + VL), c42 = FloatVector.fromArray(S, src, s4 + 2 * VL), c43 = FloatVector.fromArray(S, src, s4 + 3 * VL);
        FloatVector c50 = FloatVector.fromArray(S, src, s5), c51 = FloatVector.fromArray(S, src, s5 + VL), c52 = FloatVector.fromArray(S, src, s5 + 2 * VL), c53 = FloatVector.fromArray(S, src, s5 + 3 * VL);
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + VL);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * VL);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * VL);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x0.fma(b0, c00); c01 = x0.fma(b1, c01); c02 = x0.fma(b2, c02); c03 = x0.fma(b3, c03);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x1.fma(b0, c10); c11 = x1.fma(b1, c11); c12 = x1.fma(b2, c12); c13 = x1.fma(b3, c13);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x2.fma(b0, c20); c21 = x2.fma(b1, c21); c22 = x2.fma(b2, c22); c23 = x2.fma(b3, c23);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x3.fma(b0, c30); c31 = x3.fma(b1, c31); c32 = x3.fma(b2, c32); c33 = x3.fma(b3, c33);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x4.fma(b0, c40); c41 = x4.fma(b1, c41); c42 = x4.fma(b2, c42); c43 = x4.fma(b3, c43);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x5.fma(b0, c50); c51 = x5.fma(b1, c51); c52 = x5.fma(b2, c52); c53 = x5.fma(b3, c53);
        }
        int r0 = ci, r1 = ci + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        c00.intoArray(c, r0); c01.intoArray(c, r0 + VL); c02.intoArray(c, r0 + 2 * VL); c03.intoArray(c, r0 + 3 * VL);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + VL); c12.intoArray(c, r1 + 2 * VL); c13.intoArray(c, r1 + 3 * VL);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + VL); c22.intoArray(c, r2 + 2 * VL); c23.intoArray(c, r2 + 3 * VL);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + VL); c32.intoArray(c, r3 + 2 * VL); c33.intoArray(c, r3 + 3 * VL);
        c40.intoArray(c, r4); c41.intoArray(c, r4 + VL); c42.intoArray(c, r4 + 2 * VL); c43.intoArray(c, r4 + 3 * VL);
        c50.intoArray(c, r5); c51.intoArray(c, r5 + VL); c52.intoArray(c, r5 + 2 * VL); c53.intoArray(c, r5 + 3 * VL);
    }
}
