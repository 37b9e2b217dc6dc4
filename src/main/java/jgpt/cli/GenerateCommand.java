package jgpt.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.generate.GenerationConfig;
import jgpt.generate.Generator;
import jgpt.generate.TokenListener;
import jgpt.model.Gpt;
import jgpt.model.WeightFormat;
import jgpt.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpt generate}: sample text from a model folder, streaming tokens as they are chosen. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text from a model folder (KV-cached sampling, streamed to stdout).")
final class GenerateCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = {"-p", "--prompt"}, defaultValue = "", description = "Text to continue (default: the end-of-text token, or a newline).")
    String prompt;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "200", description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = {"-t", "--temperature"}, defaultValue = "0.8", description = "0 = greedy; higher = more random (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", defaultValue = "200", description = "Sample among the k most likely tokens, 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling threshold in (0, 1] (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--seed", defaultValue = "1337", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--samples", defaultValue = "1", description = "Number of independent samples (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--weights", defaultValue = "f32", paramLabel = "f32|bf16|int8",
            description = "Weight precision for decoding: f32 (exact), bf16 (half the bytes), int8 (blocks of 64 with a scale; default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--show-distribution", description = "Print each chosen token with its probability and the top alternatives.")
    boolean showDistribution;

    @Option(names = "--top-alternatives", defaultValue = "5", description = "Alternatives shown per token with --show-distribution or --json.")
    int alternatives;

    @Option(names = "--json", description = "Print one JSON object per generated token (JSON Lines): id, text, the probability it was drawn with, "
            + "its softmax probability, and the top candidates after temperature, top-k and top-p.")
    boolean json;

    @Override
    public Integer call() {
        if (samples < 1) throw new UserException("--samples must be >= 1, got " + samples);
        if (json && showDistribution) throw new UserException("--json and --show-distribution are two views of the same thing; choose one");
        GenerationConfig base = new GenerationConfig(maxTokens, temperature, topK, topP, seed);
        Gpt model = modelOptions.loadModel();
        Tokenizer tokenizer = modelOptions.loadTokenizer(model);
        int[] promptIds = promptIds(tokenizer, prompt);
        PrintStream out = System.out;
        Generator generator = new Generator(model, WeightFormat.parse(weights));
        for (int s = 0; s < samples; s++) {
            GenerationConfig cfg = new GenerationConfig(maxTokens, temperature, topK, topP, seed + s);
            if (json) {
                generator.generate(promptIds, cfg, tokenizer.endOfTextId(), new TokenJsonPrinter(tokenizer, out, alternatives, samples > 1 ? s + 1 : 0));
                continue;
            }
            if (samples > 1) out.println("--- sample " + (s + 1) + " ---");
            if (!showDistribution) out.print(prompt);
            var stream = tokenizer.streamingDecoder();
            TokenListener listener = showDistribution
                    ? new DistributionPrinter(tokenizer, out, alternatives)
                    : (id, p, dist) -> { out.print(stream.push(id)); out.flush(); };
            generator.generate(promptIds, cfg, tokenizer.endOfTextId(), listener);
            out.print(stream.flush());
            out.println();
        }
        return 0;
    }

    /** The prompt's ids; an empty prompt starts from end-of-text (GPT-2) or a newline (char models). */
    static int[] promptIds(Tokenizer tokenizer, String prompt) {
        if (!prompt.isEmpty()) return tokenizer.encode(prompt);
        if (tokenizer.endOfTextId() >= 0) return new int[] {tokenizer.endOfTextId()};
        try {
            return tokenizer.encode("\n");
        } catch (UserException e) {
            return new int[] {0};
        }
    }
}
