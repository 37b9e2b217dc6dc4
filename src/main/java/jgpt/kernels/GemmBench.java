package jgpt.kernels;

import java.util.Arrays;
import java.util.Random;

/**
 * Prints sgemm GFLOP/s (median over repeats, after warm-up) for GPT-2 shapes.
 * Usage: java --add-modules jdk.incubator.vector -cp target/classes jgpt.kernels.GemmBench [threads]
 */
public final class GemmBench {
    private GemmBench() {}

    public static void main(String[] args) {
        if (args.length > 0) Parallel.configure(Integer.parseInt(args[0]));
        System.out.printf("threads=%d vector=%d bits%n", Parallel.threads(), VectorGemm.S.vectorBitSize());
        // {m, n, k}: forward X[m,k]·W[k,n]; dX = dY·Wᵀ (NT); dW = Xᵀ·dY (TN).
        int[][] shapes = {{768, 2304, 768}, {256, 3072, 768}, {256, 768, 3072}, {768, 768, 768}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            run("NN", false, false, m, n, k);
            run("NT", false, true, m, n, k);
            run("TN", true, false, m, n, k);
        }
        run("NN gemv", false, false, 1, 3072, 768);
        run("NT gemv", false, true, 1, 3072, 768);
        dispatch();
    }

    private static void run(String name, boolean ta, boolean tb, int m, int n, int k) {
        Random r = new Random(1);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
        int lda = ta ? m : k, ldb = tb ? k : n;
        double flop = 2.0 * m * n * k;
        int inner = Math.max(1, (int) (4e9 / flop)); // >= ~20 ms per timed sample
        int reps = 15;
        long warmEnd = System.nanoTime() + 700_000_000L; // let C2 compile every path first
        while (System.nanoTime() < warmEnd) {
            for (int i = 0; i < inner; i++) Gemm.sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);
        }
        double[] t = new double[reps];
        for (int rep = 0; rep < reps; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) Gemm.sgemm(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);
            t[rep] = (System.nanoTime() - t0) / (double) inner;
        }
        Arrays.sort(t);
        double med = t[reps / 2];
        System.out.printf("%-8s m=%4d n=%4d k=%4d  %8.1f GFLOP/s  (%.3f ms)%n", name, m, n, k, flop / med, med / 1e6);
    }

    /** Round-trip cost of an empty parallelFor, what every small parallel op pays. */
    private static void dispatch() {
        IntRangeBody empty = (from, to) -> { };
        for (int i = 0; i < 200_000; i++) Parallel.parallelFor(2, empty);
        int n = 1_000_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) Parallel.parallelFor(2, empty);
        System.out.printf("parallelFor dispatch: %.2f us%n", (System.nanoTime() - t0) / 1e3 / n);
    }
}
