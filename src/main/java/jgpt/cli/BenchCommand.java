package jgpt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.bench.Benchmarks;
import jgpt.bench.LlamaCppRunner;
import jgpt.bench.PyTorchRunner;
import jgpt.kernels.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gpt bench}: reproducible benchmarks printed as JSON; with --compare-pytorch the same workloads run in
 * PyTorch in the same invocation and each entry gets the ratio ours / PyTorch; with --compare-llamacpp each decode
 * format is also run in llama.cpp (bench/llamacpp, set up once by its setup script) right after ours.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark GEMM, training and decoding; print JSON (optionally side by side with PyTorch).")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--workloads", split = ",", defaultValue = "gemm,train-baby,train-gpt2,decode,tokenizer",
            description = "Any of gemm, train-baby, train-gpt2, decode, tokenizer (default: ${DEFAULT-VALUE}).")
    List<String> workloads;

    @Option(names = "--compare-pytorch", description = "Also run each workload in PyTorch (/usr/bin/python3 with torch) and print ratios.")
    boolean comparePytorch;

    @Option(names = "--compare-llamacpp", description = "Also decode with llama.cpp (set up once with bench/llamacpp/setup) and print ratios.")
    boolean compareLlamaCpp;

    @Option(names = "--steps", defaultValue = "20", description = "Timed training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--decode-tokens", defaultValue = "128", description = "Tokens decoded (default: ${DEFAULT-VALUE}).")
    int decodeTokens;

    @Option(names = "--script", defaultValue = "bench/pytorch_bench.py", description = "PyTorch side script (default: ${DEFAULT-VALUE}).")
    Path script;

    static final int[][] GEMM_SHAPES = {{256, 768, 2304}, {256, 768, 3072}, {256, 3072, 768}, {768, 768, 768}, {2048, 2048, 2048}};
    /** NN products compared with PyTorch are timed this many times, alternating with it (best round of each side). */
    static final int GEMM_ROUNDS = 5;
    /** `baby` training compared with PyTorch: rounds alternating with it (best round of each side). */
    static final int TRAIN_ROUNDS = 5;
    /** The model decoded: GPT-2 124M with its vocabulary (random weights). */
    static final jgpt.model.GptConfig DECODE_MODEL = jgpt.model.GptConfig.preset("gpt2", 50257);

    @Override
    public Integer call() throws Exception {
        for (String w : workloads) {
            if (!List.of("gemm", "train-baby", "train-gpt2", "decode", "tokenizer").contains(w)) throw new UserException("unknown workload '" + w + "'");
        }
        if (steps < 1 || decodeTokens < 1) throw new UserException("--steps and --decode-tokens must be >= 1");
        if (decodeTokens > DECODE_MODEL.blockSize()) {
            throw new UserException("--decode-tokens must be at most " + DECODE_MODEL.blockSize() + " (GPT-2's context length)");
        }
        PyTorchRunner torch = null;
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode out = json.createObjectNode();
        out.put("threads", Parallel.threads());
        out.put("vector_bits", jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
        out.put("java", Runtime.version().toString());
        out.put("date", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()).put("cpu", cpuModel());
        if (comparePytorch) {
            String why = PyTorchRunner.unavailableReason();
            if (why == null && !Files.isRegularFile(script)) why = script + " not found (run from the repository root or pass --script)";
            if (why != null) out.put("pytorch", "skipped: " + why);
            else torch = new PyTorchRunner(script);
        }
        LlamaCppRunner llama = null;
        if (compareLlamaCpp) {
            LlamaCppRunner r = new LlamaCppRunner(Path.of("bench/llamacpp"));
            String why = r.unavailableReason();
            if (why != null) out.put("llamacpp", "skipped: " + why);
            else llama = r;
        }
        double peak = 0;
        if (workloads.contains("gemm")) {
            // compile every GEMM path (all transpositions, small and packed) before timing anything
            long warmEnd = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                for (boolean[] tr : new boolean[][] {{false, false}, {false, true}, {true, false}}) {
                    Benchmarks.gemm(256, 768, 768, tr[0], tr[1], 1);
                }
            }
            ArrayNode gemms = out.putArray("gemm");
            Map<String, ObjectNode> nn = new LinkedHashMap<>();
            for (int[] s : GEMM_SHAPES) {
                for (boolean[] tr : new boolean[][] {{false, false}, {false, true}, {true, false}}) {
                    if (s[0] == 2048 && (tr[0] || tr[1])) continue;
                    Benchmarks.GemmResult r = Benchmarks.gemm(s[0], s[1], s[2], tr[0], tr[1], 15);
                    peak = Math.max(peak, r.gflops());
                    ObjectNode g = gemms.addObject();
                    g.put("shape", r.shape()).put("op", (tr[0] ? "T" : "N") + (tr[1] ? "T" : "N")).put("gflops", round(r.gflops()));
                    if (!tr[0] && !tr[1]) nn.put(r.shape(), g);
                }
            }
            if (torch != null) {
                // alternate with PyTorch and keep each side's best round: this machine's speed drifts by tens of
                // percent within seconds, and one product takes milliseconds
                ArrayNode sweeps = out.putArray("pytorch_gemm_rounds");
                for (int round = 0; round < GEMM_ROUNDS; round++) {
                    if (round > 0) {
                        for (int[] s : GEMM_SHAPES) {
                            ObjectNode g = nn.get(s[0] + "x" + s[1] + "x" + s[2]);
                            double again = Benchmarks.gemm(s[0], s[1], s[2], false, false, 15).gflops();
                            if (again > g.get("gflops").asDouble()) g.put("gflops", round(again));
                            peak = Math.max(peak, again);
                        }
                    }
                    JsonNode t = torch.gemm(15, GEMM_SHAPES);
                    if (t == null) continue;
                    sweeps.add(t);
                    for (Map.Entry<String, ObjectNode> e : nn.entrySet()) {
                        JsonNode theirs = t.path("gflops").path(e.getKey());
                        if (!theirs.isNumber()) continue;
                        ObjectNode g = e.getValue();
                        peak = Math.max(peak, theirs.asDouble());
                        if (theirs.asDouble() > g.path("pytorch_gflops").asDouble(0)) {
                            g.put("pytorch_gflops", round(theirs.asDouble())).put("pytorch_setting", t.path("setting").path(e.getKey()).asText());
                        }
                    }
                }
                for (ObjectNode g : nn.values()) {
                    if (g.has("pytorch_gflops")) g.put("rounds", GEMM_ROUNDS).put("ratio", round(g.get("gflops").asDouble() / g.get("pytorch_gflops").asDouble()));
                }
            }
            for (JsonNode g : gemms) System.err.println("gemm " + g);
            // model FLOP utilisation divides by the fastest product either side ran in this run
            out.put("peak_gflops_measured", round(peak))
                    .put("peak_source", "fastest GEMM of this run, ours or PyTorch's (any shape, op and setting)");
        }
        ArrayNode train = out.putArray("train");
        for (String preset : new String[] {"baby", "gpt2"}) {
            if (!workloads.contains("train-" + preset)) continue;
            int b = preset.equals("baby") ? 12 : 4, t = 64, vocab = preset.equals("baby") ? 65 : 50257;
            // `baby` steps take milliseconds, so one window of them catches one moment of a machine whose speed drifts
            // by tens of percent: with PyTorch, alternate rounds and keep each side's best (a `gpt2` round takes minutes)
            int rounds = torch != null && preset.equals("baby") ? TRAIN_ROUNDS : 1;
            Benchmarks.TrainResult r = null;
            JsonNode p = null;
            ArrayNode pytorchRounds = json.createArrayNode();
            for (int round = 0; round < rounds; round++) {
                Benchmarks.TrainResult ours = Benchmarks.train(preset, vocab, b, t, preset.equals("baby") ? 50 : 3, preset.equals("baby") ? Math.max(steps, 20) : steps);
                if (r == null || ours.msPerStep() < r.msPerStep()) r = ours;
                if (torch == null) continue;
                JsonNode theirs = torch.best("train", preset, "" + b, "" + t, "" + (preset.equals("baby") ? 40 : Math.max(8, steps / 2)));
                if (theirs == null) continue;
                pytorchRounds.add(theirs);
                if (p == null || theirs.get("ms_per_step").asDouble() < p.get("ms_per_step").asDouble()) p = theirs;
            }
            ObjectNode n = train.addObject();
            n.put("preset", preset).put("batch", b).put("seq", t).put("parameters", r.parameters())
                    .put("ms_per_step", round(r.msPerStep())).put("tokens_per_s", round(r.tokensPerSecond()))
                    .put("bytes_allocated_per_step", Math.round(r.bytesAllocatedPerStep()));
            double achieved = r.gflopPerStep() / (r.msPerStep() / 1e3);
            n.put("gflop_per_step", round(r.gflopPerStep())).put("gflops", round(achieved));
            if (peak > 0) n.put("mfu", round(achieved / peak));
            if (p != null) {
                double theirs = r.gflopPerStep() / (p.get("ms_per_step").asDouble() / 1e3);
                n.put("rounds", rounds).put("pytorch_ms_per_step", p.get("ms_per_step").asDouble())
                        .put("pytorch_setting", p.get("setting").asText()).put("pytorch_gflops", round(theirs));
                if (peak > 0) n.put("pytorch_mfu", round(theirs / peak));
                n.put("speedup_vs_pytorch", round(p.get("ms_per_step").asDouble() / r.msPerStep()));
                n.set("pytorch_rounds", pytorchRounds);
            }
            System.err.println("train " + n);
        }
        if (workloads.contains("decode")) {
            jgpt.model.Gpt gpt2 = jgpt.model.Gpt.create(DECODE_MODEL, 1);
            double bandwidth = Benchmarks.memoryReadBandwidth(256, 7);
            out.put("memory_read_gb_per_s_measured", round(bandwidth));
            ArrayNode decode = out.putArray("decode");
            JsonNode p = torch == null ? null : torch.best("decode", "" + decodeTokens);
            for (jgpt.model.WeightFormat wf : jgpt.model.WeightFormat.values()) {
                Benchmarks.DecodeResult r = Benchmarks.decode(gpt2, wf, decodeTokens, 3);
                ObjectNode d = decode.addObject();
                d.put("preset", "gpt2").put("weights", wf.name().toLowerCase(java.util.Locale.ROOT)).put("batch", 1)
                        .put("tokens", decodeTokens).put("tokens_per_s", round(r.tokensPerSecond()))
                        .put("weight_gb_per_s", round(r.weightGigabytesPerSecond()))
                        .put("bytes_allocated_per_token", Math.round(r.bytesAllocatedPerToken()));
                // weights are streamed once per token, so bandwidth / bytes per token bounds the rate
                double ceiling = bandwidth / (r.weightGigabytesPerSecond() / r.tokensPerSecond());
                d.put("bandwidth_ceiling_tokens_per_s", round(ceiling)).put("fraction_of_ceiling", round(r.tokensPerSecond() / ceiling));
                if (p != null) {
                    d.set("pytorch_fp32", p);
                    d.put("speedup_vs_pytorch", round(r.tokensPerSecond() / p.get("tokens_per_s").asDouble()));
                }
                JsonNode l = llama == null ? null : llama.decode(wf, decodeTokens);
                if (l != null) {
                    d.set("llamacpp", l);
                    d.put("speedup_vs_llamacpp", round(r.tokensPerSecond() / l.get("tokens_per_s").asDouble()));
                } else if (llama != null) {
                    d.put("llamacpp", "failed (run node bench/llamacpp/decode.mjs by hand to see why)");
                }
                System.err.println("decode " + d);
            }
        }
        if (workloads.contains("tokenizer")) {
            Benchmarks.TokenizerResult r = Benchmarks.tokenizer(Corpus.read(Corpus.BUILTIN), 15);
            ObjectNode t = out.putObject("tokenizer");
            t.put("text", "Tiny Shakespeare").put("megabytes", round(r.megabytes())).put("tokens", r.tokens())
                    .put("ours_mb_per_s", round(r.oursMBps())).put("jtokkit_mb_per_s", round(r.jtokkitMBps()))
                    .put("ratio", round(r.oursMBps() / r.jtokkitMBps()));
            System.err.println("tokenizer " + t);
        }
        System.out.println(json.writeValueAsString(out));
        return 0;
    }

    /** "model name (family F model M)" from /proc/cpuinfo: the kind of CPU behind these VMs changes. */
    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String name = field(lines, "model name"), family = field(lines, "cpu family"), model = field(lines, "model");
            return name + " (family " + family + " model " + model + ", " + Runtime.getRuntime().availableProcessors() + " CPUs)";
        } catch (java.io.IOException e) {
            return System.getProperty("os.arch");
        }
    }

    private static String field(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + "\t") || l.startsWith(key + " ")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst().orElse("?");
    }

    private static double round(double v) { return Math.round(v * 1000) / 1000.0; }
}
