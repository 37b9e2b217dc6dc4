package jgpt.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import jgpt.kernels.AttentionKernel;
import jgpt.kernels.FlashAttentionKernel;
import jgpt.tensor.Rng;

/**
 * Stored-probability vs flash attention, forward + backward over B*nh = 48 pairs at hd = 64, timed in thread CPU
 * time with the two kernels interleaved, so a busy shared machine skews both alike (JMH's wall time does not):
 * {@code mvn -q test-compile && java --add-modules jdk.incubator.vector -Xmx3g -cp target/test-classes:target/classes
 * jgpt.jmh.AttentionCpuTime 64,64,128,256,1024 9} (the first length warms up). Optional further arguments set
 * batch, heads and head size, e.g. {@code 64,64 15 12 4 32} for the baby model's attention.
 */
public final class AttentionCpuTime {
    private AttentionCpuTime() {}

    static final int WARMUP = 8;

    public static void main(String[] args) {
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        int B = args.length > 2 ? Integer.parseInt(args[2]) : 4, HEADS = args.length > 3 ? Integer.parseInt(args[3]) : 12;
        int HD = args.length > 4 ? Integer.parseInt(args[4]) : 64, C = HEADS * HD;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (String length : args[0].split(",")) {
            int t = Integer.parseInt(length);
            Rng r = new Rng(1);
            float[] qkv = KernelBenchmarks.fill(new float[B * t * 3 * C], r), dy = KernelBenchmarks.fill(new float[B * t * C], r);
            float[] dqkv = new float[qkv.length], y = new float[B * t * C];
            float[] att = new float[B * HEADS * t * t], dp = new float[AttentionKernel.TILE * t];
            float[] lse = new float[B * HEADS * t], scratch = new float[FlashAttentionKernel.SCRATCH];
            long[] stored = new long[reps], flash = new long[reps];
            for (int i = 0; i < WARMUP + reps; i++) {
                long t0 = cpu.getCurrentThreadCpuTime();
                for (int bh = 0; bh < B * HEADS; bh++) {
                    AttentionKernel.forward(qkv, 0, y, 0, att, null, null, bh / HEADS, bh % HEADS, t, C, HEADS);
                }
                for (int bh = 0; bh < B * HEADS; bh++) {
                    AttentionKernel.backward(qkv, 0, dqkv, 0, dy, 0, att, null, null, dp, 0, bh / HEADS, bh % HEADS, t, C, HEADS);
                }
                long t1 = cpu.getCurrentThreadCpuTime();
                for (int bh = 0; bh < B * HEADS; bh++) {
                    FlashAttentionKernel.forward(qkv, 0, y, 0, lse, scratch, 0, bh / HEADS, bh % HEADS, t, C, HEADS);
                }
                for (int bh = 0; bh < B * HEADS; bh++) {
                    FlashAttentionKernel.backward(qkv, 0, y, 0, lse, dqkv, 0, dy, 0, scratch, 0, bh / HEADS, bh % HEADS, t, C, HEADS);
                }
                long t2 = cpu.getCurrentThreadCpuTime();
                if (i >= WARMUP) {
                    stored[i - WARMUP] = t1 - t0;
                    flash[i - WARMUP] = t2 - t1;
                }
            }
            java.util.Arrays.sort(stored);
            java.util.Arrays.sort(flash);
            System.out.printf("T=%d  stored P: min %.2f median %.2f ms (P %.1f MB)  flash: min %.2f median %.2f ms%n",
                    t, stored[0] / 1e6, stored[reps / 2] / 1e6, att.length * 4 / 1e6, flash[0] / 1e6, flash[reps / 2] / 1e6);
        }
    }
}
