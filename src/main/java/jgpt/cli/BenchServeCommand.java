package jgpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.generate.GenerationConfig;
import jgpt.generate.Generator;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.model.WeightFormat;
import jgpt.serve.LoadTest;
import jgpt.serve.OpenAiServer;
import jgpt.tokenizer.Tokenizer;
import jgpt.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gpt bench-serve}: starts the server on a free loopback port and measures it under 1, 4, 16... streaming
 * clients; also times {@code gpt generate}'s decoding of the same model for comparison.
 */
@Command(name = "bench-serve", mixinStandardHelpOptions = true,
        description = "Benchmark gpt serve: streaming clients over loopback; prints JSON (requests/s, tokens/s, per-client tokens/s, TTFT p50/p99, errors).")
final class BenchServeCommand implements Callable<Integer> {
    private static final java.util.logging.Logger HELIDON_LOG = ServeCommand.quiet();

    @Option(names = {"-m", "--model"}, paramLabel = "DIR", description = "Model folder (or use --random).")
    Path model;

    @Option(names = "--random", paramLabel = "PRESET", description = "Random weights of a preset instead of a folder, e.g. gpt2 (124M) with the GPT-2 tokenizer.")
    String random;

    @Option(names = "--clients", split = ",", defaultValue = "1,4,16", description = "Concurrent client counts (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--seconds", defaultValue = "30", description = "Seconds per client count (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--prompt-tokens", defaultValue = "32", description = "Prompt length of each request (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Tokens generated per request (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--weights", defaultValue = "f32", paramLabel = "f32|bf16|int8", description = "Weight precision (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--warmup", defaultValue = "10", description = "Seconds of load before measuring, to compile the kernels (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--batch-steps", defaultValue = "20", description = "Timed steps of the bare batched decoder per client count (default: ${DEFAULT-VALUE}).")
    int batchSteps;

    @Override
    public Integer call() throws Exception {
        if ((model == null) == (random == null)) throw new UserException("give either --model DIR or --random PRESET");
        for (int c : clients) if (c < 1) throw new UserException("--clients must be >= 1, got " + c);
        if (seconds <= 0) throw new UserException("--seconds must be > 0");
        WeightFormat format = WeightFormat.parse(weights);
        Gpt gpt;
        Tokenizer tokenizer;
        if (model != null) {
            gpt = ModelFolder.loadForInference(model);
            tokenizer = Tokenizers.load(model);
        } else {
            tokenizer = Tokenizers.byName("gpt2");
            gpt = Gpt.create(GptConfig.preset(random, tokenizer.vocabSize()), 1);
        }
        if (promptTokens < 1 || promptTokens + maxTokens > gpt.config().blockSize()) {
            throw new UserException("--prompt-tokens + --max-tokens must fit the context of " + gpt.config().blockSize());
        }
        int maxClients = clients.stream().mapToInt(Integer::intValue).max().orElse(1);
        int vocab = tokenizer.vocabSize();
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        out.put("model", model != null ? model.toString() : "random " + random).put("weights", format.name().toLowerCase(java.util.Locale.ROOT))
                .put("prompt_tokens", promptTokens).put("max_tokens", maxTokens).put("temperature", temperature)
                .put("seconds", seconds).put("threads", jgpt.kernels.Parallel.threads());
        out.put("generate_decode_tokens_per_s", round(generateRate(gpt, format, vocab)));
        ArrayNode steps = out.putArray("batched_decode_step"); // the decoder alone, no HTTP or sampling
        for (int c : clients) {
            jgpt.bench.Benchmarks.BatchDecodeResult r = jgpt.bench.Benchmarks.batchDecode(gpt, format, c, batchSteps);
            steps.addObject().put("batch", c).put("tokens_per_s", round(r.tokensPerSecond())).put("steps_per_s", round(r.stepsPerSecond()))
                    .put("bytes_allocated_per_token", Math.round(r.bytesAllocatedPerToken()));
        }
        try (OpenAiServer server = OpenAiServer.start(new OpenAiServer.Options(gpt, tokenizer, "bench", null, format, "127.0.0.1", 0,
                maxClients, 4 * maxClients, 1 << 20))) {
            if (warmup > 0) LoadTest.run(server.port(), maxClients, warmup, promptTokens, maxTokens, temperature, vocab);
            ArrayNode runs = out.putArray("runs");
            for (int c : clients) {
                LoadTest.Result r = LoadTest.run(server.port(), c, seconds, promptTokens, maxTokens, temperature, vocab);
                ObjectNode n = runs.addObject().put("clients", c).put("requests", r.requests())
                        .put("requests_per_s", round(r.requestsPerS())).put("tokens_per_s", round(r.tokensPerS()));
                ArrayNode per = n.putArray("client_tokens_per_s");
                for (double d : r.clientTokensPerS()) per.add(round(d));
                n.put("decode_tokens_per_s_per_client", round(r.decodeTokensPerS()))
                        .put("ttft_ms_p50", round(r.ttftPercentile(50))).put("ttft_ms_p99", round(r.ttftPercentile(99)))
                        .put("errors", r.errors());
                System.err.println("bench-serve " + n);
            }
        }
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        return 0;
    }

    /** gpt generate's decode rate on the same model: tokens after the first over the time from first to last, best of 3. */
    private double generateRate(Gpt gpt, WeightFormat format, int vocab) {
        Generator g = new Generator(gpt, format);
        int[] prompt = new int[promptTokens];
        jgpt.tensor.Rng rng = new jgpt.tensor.Rng(7);
        for (int i = 0; i < prompt.length; i++) prompt[i] = rng.nextInt(vocab);
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            long[] t = new long[2];
            int[] n = new int[1];
            g.generate(prompt, new GenerationConfig(maxTokens, temperature, 0, 1f, rep), -1, (id, p, d) -> {
                long now = System.nanoTime();
                if (n[0]++ == 0) t[0] = now;
                t[1] = now;
            });
            if (n[0] > 1) best = Math.max(best, (n[0] - 1) / ((t[1] - t[0]) / 1e9));
        }
        return best;
    }

    private static double round(double v) { return Double.isNaN(v) ? v : Math.round(v * 100) / 100.0; }
}
