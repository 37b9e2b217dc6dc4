package jgpt.jmh;

import java.util.concurrent.TimeUnit;
import jgpt.kernels.AttentionKernel;
import jgpt.tensor.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The attention of one `baby` layer as one data-parallel replica runs it during training (6 sequences of 64
 * tokens, 4 heads of 32), forward and backward separately, on one thread: {@code bench/jmh BabyAttentionBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BabyAttentionBenchmarks {
    static final int B = 6, T = 64, HEADS = 4, HD = 32, C = HEADS * HD;

    float[] qkv, dqkv, y, dy, att, dp;

    @Setup
    public void setup() {
        Rng r = new Rng(1);
        qkv = KernelBenchmarks.fill(new float[B * T * 3 * C], r);
        dy = KernelBenchmarks.fill(new float[B * T * C], r);
        dqkv = new float[qkv.length];
        y = new float[B * T * C];
        att = new float[B * HEADS * T * T];
        dp = new float[AttentionKernel.TILE * T];
        forward();
    }

    @Benchmark public void forward() {
        for (int bh = 0; bh < B * HEADS; bh++) {
            AttentionKernel.forward(qkv, 0, y, 0, att, null, null, bh / HEADS, bh % HEADS, T, C, HEADS);
        }
    }

    @Benchmark public void backward() {
        for (int bh = 0; bh < B * HEADS; bh++) {
            AttentionKernel.backward(qkv, 0, dqkv, 0, dy, 0, att, null, null, dp, 0, bh / HEADS, bh % HEADS, T, C, HEADS);
        }
    }
}
