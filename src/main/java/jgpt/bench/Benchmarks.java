package jgpt.bench;

import java.util.Arrays;
import jgpt.kernels.Gemm;
import jgpt.kernels.Parallel;
import jgpt.kernels.Split;
import jgpt.kernels.Vec;
import jgpt.model.Decoder;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tensor.Rng;
import jgpt.train.AdamW;
import jgpt.train.DataParallel;
import jgpt.train.GradClip;

/**
 * The workloads of {@code gpt bench}, timed after warm-up with medians over repeats. Each returns a small record;
 * the CLI turns them into JSON.
 */
public final class Benchmarks {
    private Benchmarks() {}

    public record TrainResult(String preset, int batch, int seq, long parameters, double msPerStep, double tokensPerSecond,
                              double gflopPerStep, double bytesAllocatedPerStep) {}

    public record DecodeResult(String preset, String weights, int tokens, double tokensPerSecond, double weightGigabytesPerSecond,
                               double bytesAllocatedPerToken) {}

    public record GemmResult(String shape, boolean transA, boolean transB, double gflops) {}

    public record TokenizerResult(double megabytes, int tokens, double oursMBps, double jtokkitMBps) {}

    /** GPT-2 encoding throughput of ours and jtokkit's r50k_base encodeOrdinary on the same text, medians after warm-up. */
    public static TokenizerResult tokenizer(String text, int repeats) {
        var ours = jgpt.tokenizer.ByteLevelBpe.gpt2();
        var theirs = com.knuddels.jtokkit.Encodings.newDefaultEncodingRegistry()
                .getEncoding(com.knuddels.jtokkit.api.EncodingType.R50K_BASE);
        double mb = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length / 1e6;
        int[] ids = ours.encode(text);
        if (!java.util.Arrays.equals(ids, theirs.encodeOrdinary(text).toArray())) throw new IllegalStateException("tokenizers disagree");
        double[] a = new double[repeats], b = new double[repeats];
        for (int r = -3; r < repeats; r++) { // alternate, so both see the same machine conditions
            long t0 = System.nanoTime();
            ours.encode(text);
            long t1 = System.nanoTime();
            theirs.encodeOrdinary(text);
            long t2 = System.nanoTime();
            if (r >= 0) { a[r] = (t1 - t0) / 1e9; b[r] = (t2 - t1) / 1e9; }
        }
        return new TokenizerResult(mb, ids.length, mb / median(a), mb / median(b));
    }

    /** Median time of one full training step (forward, backward, clip, AdamW) on random tokens and weights. */
    public static TrainResult train(String preset, int vocab, int batch, int seq, int warmup, int steps) {
        GptConfig cfg = GptConfig.preset(preset, vocab).withDropout(0f);
        Gpt model = Gpt.create(cfg, 1);
        AdamW opt = new AdamW(model.parameters(), 0.9f, 0.95f, 1e-8f, 0.1f);
        Rng rng = new Rng(2);
        int[] x = new int[batch * seq], y = new int[batch * seq];
        DataParallel replicas = new DataParallel(model, batch, seq);
        GradClip clip = new GradClip(model.parameters().grad());
        double[] times = new double[steps];
        long allocated = 0;
        for (int s = -warmup; s < steps; s++) {
            if (s == 0) allocated = allocatedBytes();
            for (int i = 0; i < x.length; i++) { x[i] = rng.nextInt(vocab); y[i] = rng.nextInt(vocab); }
            long t0 = System.nanoTime();
            model.parameters().zeroGrad();
            replicas.forwardBackward(x, y, 1f, rng);
            replicas.reduceGradients();
            opt.step(1e-4f, GradClip.scaleFor(clip.norm(), 1f)); // as the trainer does
            if (s >= 0) times[s] = (System.nanoTime() - t0) / 1e6;
        }
        allocated = allocatedBytes() - allocated;
        double ms = median(times);
        long n = cfg.parameterCount();
        // 6 N per token for the matmuls (Kaplan et al. 2020) plus 6 * 2 * L * T * C per token for attention scores
        double flop = 6.0 * n * batch * seq + 12.0 * cfg.nLayer() * (double) seq * cfg.nEmbd() * batch * seq / 2;
        return new TrainResult(preset, batch, seq, n, ms, batch * seq / (ms / 1e3), flop / 1e9, (double) allocated / steps);
    }

    /** Batch-1 KV-cached greedy decoding: median tokens/s over {@code repeats} runs of {@code tokens}, after a warm-up run. */
    public static DecodeResult decode(Gpt model, jgpt.model.WeightFormat weights, int tokens, int repeats) {
        Decoder d = new Decoder(model, weights);
        run(d, Math.min(tokens, model.config().blockSize()));  // warm-up: let C2 compile the kernels
        double[] rates = new double[repeats];
        long allocated = allocatedBytes();
        for (int r = 0; r < repeats; r++) {
            d.reset();
            long t0 = System.nanoTime();
            run(d, tokens);
            rates[r] = tokens / ((System.nanoTime() - t0) / 1e9);
        }
        allocated = allocatedBytes() - allocated;
        double rate = median(rates);
        return new DecodeResult("gpt2", weights.name(), tokens, rate, d.weightBytesPerToken() * rate / 1e9,
                (double) allocated / ((long) tokens * repeats));
    }

    /** One batched decode step for {@code batch} sequences, {@code steps} times: tokens/s over all and bytes allocated per token. */
    public record BatchDecodeResult(int batch, int steps, double stepsPerSecond, double tokensPerSecond, double bytesAllocatedPerToken) {}

    /**
     * {@link jgpt.model.BatchDecoder#step} on {@code batch} sequences after an 8-token prompt each, timed over
     * {@code steps} steps after as many warm-up steps (the caches hold 8 + 2*steps positions by the end).
     */
    public static BatchDecodeResult batchDecode(Gpt model, jgpt.model.WeightFormat weights, int batch, int steps) {
        jgpt.model.BatchDecoder d = new jgpt.model.BatchDecoder(model, weights, batch);
        int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8}, slots = new int[batch], tokens = new int[batch];
        for (int b = 0; b < batch; b++) {
            slots[b] = b;
            tokens[b] = 10 + b;
        }
        long[] timeAndBytes = new long[2];
        stepBatch(d, prompt, slots, tokens, batch, steps, timeAndBytes); // warm-up: let C2 compile the kernels
        timeAndBytes[0] = timeAndBytes[1] = 0;
        stepBatch(d, prompt, slots, tokens, batch, steps, timeAndBytes);
        double seconds = timeAndBytes[0] / 1e9;
        return new BatchDecodeResult(batch, steps, steps / seconds, (double) batch * steps / seconds,
                (double) timeAndBytes[1] / ((long) batch * steps));
    }

    /** steps batched steps, refilling the caches with the prompt whenever the context is full; only the steps are timed and counted. */
    private static void stepBatch(jgpt.model.BatchDecoder d, int[] prompt, int[] slots, int[] tokens, int batch, int steps, long[] timeAndBytes) {
        int capacity = d.config().blockSize();
        for (int done = 0; done < steps; ) {
            for (int b = 0; b < batch; b++) {
                d.reset(b);
                d.prefill(b, prompt, 0);
            }
            int n = Math.min(steps - done, capacity - prompt.length);
            long bytes = allocatedBytes(), t0 = System.nanoTime();
            for (int s = 0; s < n; s++) d.step(slots, tokens, batch);
            timeAndBytes[0] += System.nanoTime() - t0;
            timeAndBytes[1] += allocatedBytes() - bytes;
            done += n;
        }
    }

    private static void run(Decoder d, int tokens) {
        int next = 0;
        for (int i = 0; i < tokens; i++) {
            float[] logits = d.next(next);
            int best = 0;
            for (int v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
            next = best;
        }
    }

    /**
     * Main-memory read bandwidth in GB/s: every thread sums its own part of an array 8x the size of the L3, as batch-1
     * decoding streams its weights. Median of {@code repeats} passes after two warm-up passes.
     */
    public static double memoryReadBandwidth(int megabytes, int repeats) {
        float[] a = new float[megabytes << 18];
        Arrays.fill(a, 1f);
        float[] partial = new float[Parallel.threads()];
        Split.PartBody read = (part, from, to) -> partial[part] += Vec.sum(a, from, to - from);
        double[] rates = new double[repeats];
        for (int r = -2; r < repeats; r++) {
            long t0 = System.nanoTime();
            Split.parts(a.length, a.length / partial.length, 16, read);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (r >= 0) rates[r] = 4.0 * a.length / seconds / 1e9;
        }
        float total = 0f;
        for (float p : partial) total += p;
        if (total <= 0f) throw new IllegalStateException("bandwidth pass read nothing"); // keeps the sums live
        return median(rates);
    }

    /** GFLOP/s of C[m,n] = op(A) op(B) with inner dimension k. */
    public static GemmResult gemm(int m, int k, int n, boolean transA, boolean transB, int repeats) {
        Rng rng = new Rng(3);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = rng.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = rng.nextFloat() - 0.5f;
        int lda = transA ? m : k, ldb = transB ? k : n;
        double flop = 2.0 * m * n * k;
        // warm-up so C2 has compiled the kernels for this shape
        long warmEnd = System.nanoTime() + 300_000_000L;
        do Gemm.sgemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false); while (System.nanoTime() < warmEnd);
        double[] times = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            Gemm.sgemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);
            times[r] = (System.nanoTime() - t0) / 1e9;
        }
        return new GemmResult(m + "x" + k + "x" + n, transA, transB, flop / median(times) / 1e9);
    }

    /** Bytes allocated so far by all live threads (HotSpot's per-thread counters). */
    static long allocatedBytes() {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) if (b > 0) total += b;
        return total;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
