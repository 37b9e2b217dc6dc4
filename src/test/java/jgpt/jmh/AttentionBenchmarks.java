package jgpt.jmh;

import java.util.concurrent.TimeUnit;
import jgpt.kernels.AttentionKernel;
import jgpt.kernels.FlashAttentionKernel;
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
 * Causal attention forward + backward on one thread over all B * nh (batch, head) pairs at GPT-2 small's head
 * size, stored-probability kernel against the flash kernel, at growing sequence lengths:
 * {@code bench/jmh AttentionBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsPrepend = "-Xmx3g")
public class AttentionBenchmarks {
    @Param({"64", "256", "1024"})
    int t;

    static final int B = 4, HEADS = 12, HD = 64, C = HEADS * HD;

    float[] qkv, dqkv, y, dy, att, dp, lse, scratch;

    @Setup
    public void setup() {
        Rng r = new Rng(1);
        qkv = KernelBenchmarks.fill(new float[B * t * 3 * C], r);
        dy = KernelBenchmarks.fill(new float[B * t * C], r);
        dqkv = new float[qkv.length];
        y = new float[B * t * C];
        att = new float[B * HEADS * t * t];
        dp = new float[AttentionKernel.TILE * t];
        lse = new float[B * HEADS * t];
        scratch = new float[FlashAttentionKernel.SCRATCH];
    }

    @Benchmark public void storedProbabilities() {
        for (int bh = 0; bh < B * HEADS; bh++) {
            AttentionKernel.forward(qkv, 0, y, 0, att, null, null, bh / HEADS, bh % HEADS, t, C, HEADS);
        }
        for (int bh = 0; bh < B * HEADS; bh++) {
            AttentionKernel.backward(qkv, 0, dqkv, 0, dy, 0, att, null, null, dp, 0, bh / HEADS, bh % HEADS, t, C, HEADS);
        }
    }

    @Benchmark public void flash() {
        for (int bh = 0; bh < B * HEADS; bh++) {
            FlashAttentionKernel.forward(qkv, 0, y, 0, lse, scratch, 0, bh / HEADS, bh % HEADS, t, C, HEADS);
        }
        for (int bh = 0; bh < B * HEADS; bh++) {
            FlashAttentionKernel.backward(qkv, 0, y, 0, lse, dqkv, 0, dy, 0, scratch, 0, bh / HEADS, bh % HEADS, t, C, HEADS);
        }
    }
}
