package jgpt.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import jgpt.UserException;
import jgpt.model.Gpt;
import jgpt.model.WeightFormat;
import jgpt.serve.OpenAiServer;
import jgpt.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpt serve}: an OpenAI-compatible HTTP server with continuous batching, and the token-distribution page. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over HTTP: OpenAI-compatible /v1/completions and /v1/chat/completions (streaming, logprobs), "
                + "/v1/models, /health, /tokenize, /detokenize, and a page at / that shows each token's distribution.")
final class ServeCommand implements Callable<Integer> {
    /** Helidon logs each start and stop at INFO; keep its warnings only (held here: JUL keeps loggers weakly). */
    private static final java.util.logging.Logger HELIDON_LOG = quiet();

    static java.util.logging.Logger quiet() {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger("io.helidon");
        l.setLevel(java.util.logging.Level.WARNING);
        return l;
    }

    @Mixin ModelOptions modelOptions;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--weights", defaultValue = "f32", paramLabel = "f32|bf16|int8", description = "Weight precision for decoding (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--max-batch", defaultValue = "16", description = "Sequences decoded together, each with its own KV cache (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--queue", defaultValue = "64", description = "Sequences that may wait for a slot; beyond that requests get 503 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-body", defaultValue = "1048576", description = "Largest request body in bytes (default: ${DEFAULT-VALUE}).")
    int maxBody;

    @Override
    public Integer call() throws Exception {
        if (maxBatch < 1 || maxBatch > 256) throw new UserException("--max-batch must be in [1, 256], got " + maxBatch);
        if (queue < 1) throw new UserException("--queue must be >= 1, got " + queue);
        if (port < 0 || port > 65535) throw new UserException("--port must be in [0, 65535], got " + port);
        if (maxBody < 1024) throw new UserException("--max-body must be >= 1024, got " + maxBody);
        WeightFormat format = WeightFormat.parse(weights);
        Gpt model = modelOptions.loadModel();
        Tokenizer tokenizer = modelOptions.loadTokenizer(model);
        String name = modelOptions.model.toAbsolutePath().normalize().getFileName().toString();
        OpenAiServer server;
        try {
            server = OpenAiServer.start(new OpenAiServer.Options(model, tokenizer, name, modelOptions.model, format, host, port,
                    maxBatch, queue, maxBody));
        } catch (RuntimeException e) {
            throw new UserException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")");
        }
        System.err.println("serving " + name + " (" + format.name().toLowerCase(java.util.Locale.ROOT) + ", up to " + maxBatch
                + " sequences per step) on http://" + host + ":" + server.port() + "/  — Ctrl-C to stop");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { server.close(); stop.countDown(); }));
        stop.await();
        return 0;
    }
}
