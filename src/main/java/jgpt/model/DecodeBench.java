package jgpt.model;

import java.util.Arrays;

/**
 * Side-by-side batch-1 decode speed of each {@link WeightFormat} on one randomly initialised model (the
 * machine is noisy: medians of several runs, formats interleaved). Not a unit test:
 * {@code java --add-modules jdk.incubator.vector -cp target/jgpt.jar jgpt.model.DecodeBench [preset] [tokens] [repeats] [formats]}
 */
public final class DecodeBench {
    private DecodeBench() {}

    public static void main(String[] args) {
        if (System.getProperty("threads") != null) jgpt.kernels.Parallel.configure(Integer.getInteger("threads"));
        String preset = args.length > 0 ? args[0] : "gpt2";
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String[] names = (args.length > 3 ? args[3] : "f32,bf16,int8").split(",");
        GptConfig cfg = GptConfig.preset(preset, 50257);
        Gpt model = Gpt.create(cfg, 1);
        Decoder[] ds = new Decoder[names.length];
        for (int i = 0; i < names.length; i++) ds[i] = new Decoder(model, WeightFormat.parse(names[i]));
        for (Decoder d : ds) { run(d, 64); run(d, 64); }
        double[][] rates = new double[ds.length][repeats];
        for (int r = 0; r < repeats; r++) {
            for (int i = 0; i < ds.length; i++) {
                long t0 = System.nanoTime();
                run(ds[i], tokens);
                rates[i][r] = tokens / ((System.nanoTime() - t0) / 1e9);
            }
        }
        // the per-token loop should allocate nothing (buffers are made once)
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        run(ds[0], tokens);
        System.out.printf("allocated %d bytes in %d tokens on the calling thread%n", mx.getCurrentThreadAllocatedBytes() - before, tokens);
        int[] prompt = new int[256];
        for (int i = 0; i < prompt.length; i++) prompt[i] = (i * 7919) % cfg.vocabSize();
        for (int i = 0; i < ds.length; i++) {
            double med = median(rates[i]);
            long bytes = ds[i].weightBytesPerToken();
            System.out.printf("%s %-5s decode %6.1f tokens/s (median of %d: %s)  %.2f GB/token  %.1f GB/s%n",
                    preset, ds[i].format(), med, repeats, Arrays.toString(round(rates[i])), bytes / 1e9, med * bytes / 1e9);
        }
        double[] pre = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            ds[0].reset();
            long t0 = System.nanoTime();
            ds[0].prefill(prompt);
            pre[r] = prompt.length / ((System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("%s %-5s prefill of %d tokens: %.1f tokens/s (median of %d: %s)%n",
                preset, ds[0].format(), prompt.length, median(pre), repeats, Arrays.toString(round(pre)));
    }

    private static void run(Decoder d, int tokens) {
        d.reset();
        int next = 0;
        for (int i = 0; i < tokens; i++) {
            float[] logits = d.next(next);
            int best = 0;
            for (int v = 1; v < logits.length; v++) if (logits[v] > logits[best]) best = v;
            next = best;
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double[] round(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = Math.round(v[i] * 10) / 10.0;
        return o;
    }
}
