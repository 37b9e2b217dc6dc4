package jgpt.jmh;

import java.util.concurrent.TimeUnit;
import jgpt.kernels.ActivationKernel;
import jgpt.kernels.AdamWKernel;
import jgpt.kernels.AttentionKernel;
import jgpt.kernels.Gemm;
import jgpt.kernels.LayerNormKernel;
import jgpt.kernels.SoftmaxKernel;
import jgpt.tensor.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmarks of the individual kernels on GPT-shaped inputs (run with bench/jmh). Shapes: rows = B*T tokens,
 * c = model width. Each kernel has a scalar twin; comparing both shows what the Vector API buys.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelBenchmarks {
    @Param({"768"})
    int rows;

    @Param({"128", "768"})
    int c;

    float[] x, out, sig, w, b, mean, rstd, dx, dw, db, hidden, qkv, att, y, m, v, logits, dlogits, lse, losses, dp;
    int[] targets;
    static final int T = 64, HEADS = 4, VOCAB = 65;

    @Setup
    public void setup() {
        Rng r = new Rng(1);
        x = fill(new float[rows * c], r);
        out = new float[rows * c];
        dx = new float[rows * c];
        w = fill(new float[4 * c * c], r);
        b = fill(new float[4 * c], r);
        dw = new float[4 * c * c];
        hidden = new float[rows * 4 * c];
        db = new float[4 * c];
        mean = new float[rows];
        rstd = new float[rows];
        qkv = fill(new float[rows * 3 * c], r);
        y = new float[rows * c];
        sig = new float[rows * c];
        ActivationKernel.geluForward(x, 0, out, 0, sig, 0, rows * c);
        att = new float[rows / T * HEADS * T * T];
        dp = new float[AttentionKernel.TILE * T];
        m = new float[4 * c * c];
        v = new float[4 * c * c];
        logits = fill(new float[rows * VOCAB], r);
        dlogits = new float[rows * VOCAB];
        lse = new float[rows];
        losses = new float[rows];
        targets = new int[rows];
        for (int i = 0; i < rows; i++) targets[i] = r.nextInt(VOCAB);
    }

    static float[] fill(float[] a, Rng r) {
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
        return a;
    }

    @Benchmark public void gemmForward() { Gemm.sgemm(false, false, rows, 4 * c, c, x, 0, c, w, 0, 4 * c, hidden, 0, 4 * c, false); }

    @Benchmark public void gemmWeightGradient() { Gemm.sgemm(true, false, c, c, rows, x, 0, c, x, 0, c, dw, 0, c, true); }

    @Benchmark public void gemmInputGradient() { Gemm.sgemm(false, true, rows, c, c, x, 0, c, w, 0, c, dx, 0, c, true); }

    @Benchmark public void layerNormForward() { LayerNormKernel.forward(x, 0, out, 0, b, 0, b, 0, mean, rstd, rows, c, 1e-5f); }

    @Benchmark public void layerNormForwardScalar() { LayerNormKernel.forwardScalar(x, 0, out, 0, b, 0, b, 0, mean, rstd, rows, c, 1e-5f); }

    @Benchmark public void layerNormBackward() { LayerNormKernel.backward(out, 0, x, 0, b, 0, mean, rstd, dx, 0, db, 0, db, 0, rows, c); }

    @Benchmark public void geluForward() { ActivationKernel.geluForward(x, 0, out, 0, rows * c); }

    /** The training forward: also keeps gelu'(x) for the backward pass. */
    @Benchmark public void geluForwardKeeping() { ActivationKernel.geluForward(x, 0, out, 0, sig, 0, rows * c); }

    @Benchmark public void geluForwardScalar() { ActivationKernel.geluForwardScalar(x, 0, out, 0, rows * c); }

    @Benchmark public void geluBackward() { ActivationKernel.geluBackward(sig, 0, out, 0, dx, 0, rows * c); }

    @Benchmark public void adamW() { AdamWKernel.step(w, dw, 1f, m, v, 0, w.length, 1e-3f, 0.9f, 0.95f, 1e-8f, 0.1f, 3); }

    @Benchmark public void adamWScalar() { AdamWKernel.stepScalar(w, dw, 1f, m, v, 0, w.length, 1e-3f, 0.9f, 0.95f, 1e-8f, 0.1f, 3); }

    @Benchmark public void crossEntropy() {
        SoftmaxKernel.crossEntropyForward(logits, 0, targets, losses, lse, 0, rows, VOCAB);
        SoftmaxKernel.crossEntropyBackward(logits, 0, targets, lse, dlogits, 0, 0, rows, VOCAB, 1f / rows);
    }

    @Benchmark public void attentionForwardBackward() {
        int batches = rows / T;
        for (int bh = 0; bh < batches * HEADS; bh++) {
            AttentionKernel.forward(qkv, 0, y, 0, att, null, null, bh / HEADS, bh % HEADS, T, c, HEADS);
            AttentionKernel.backward(qkv, 0, qkv, 0, y, 0, att, null, null, dp, 0, bh / HEADS, bh % HEADS, T, c, HEADS);
        }
    }
}
