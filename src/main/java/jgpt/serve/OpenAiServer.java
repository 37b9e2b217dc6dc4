package jgpt.serve;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jgpt.UserException;
import jgpt.chat.ChatPrompt;
import jgpt.model.BatchDecoder;
import jgpt.model.Gpt;
import jgpt.model.WeightFormat;
import jgpt.tokenizer.Tokenizer;

/**
 * An OpenAI-compatible HTTP server for one model on Helidon SE (one virtual thread per request, so a request
 * simply blocks while its tokens come): {@code POST /v1/completions}, {@code POST /v1/chat/completions},
 * {@code GET /v1/models}, {@code GET /health}, {@code POST /tokenize}, {@code POST /detokenize}, and the page
 * under {@code /}. Every refusal is a 4xx with OpenAI's error body; the decoding is a {@link BatchScheduler}.
 * <pre>{@code
 * try (OpenAiServer s = OpenAiServer.start(new OpenAiServer.Options(model, tokenizer, "mymodel", dir, ...))) {
 *     System.out.println("http://127.0.0.1:" + s.port());
 * }
 * }</pre>
 */
public final class OpenAiServer implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * @param modelDir   folder of the chat template (tokenizer_config.json); null: chat uses the plain template
     * @param maxBody    request bodies above this many bytes are refused with 413
     */
    public record Options(Gpt model, Tokenizer tokenizer, String modelName, Path modelDir, WeightFormat weights,
                          String host, int port, int maxBatch, int queue, int maxBody) {}

    private final Options opt;
    private final BatchScheduler scheduler;
    private final Endpoints endpoints;
    private final WebServer server;

    private OpenAiServer(Options opt) throws IOException {
        this.opt = opt;
        int ctx = opt.model().config().blockSize();
        ChatPrompt chat = opt.modelDir() == null ? ChatPrompt.plain(opt.tokenizer(), ctx)
                : ChatPrompt.forModel(opt.modelDir(), opt.tokenizer(), ctx);
        this.scheduler = new BatchScheduler(new BatchDecoder(opt.model(), opt.weights(), opt.maxBatch()), opt.queue());
        this.endpoints = new Endpoints(opt.model().config(), opt.tokenizer(), opt.modelName(), chat, scheduler);
        this.server = WebServer.builder()
                .host(opt.host())
                .port(opt.port())
                .shutdownHook(false)
                .routing(this::routes)
                .build()
                .start();
    }

    public static OpenAiServer start(Options opt) throws IOException { return new OpenAiServer(opt); }

    public int port() { return server.port(); }

    private void routes(HttpRouting.Builder r) {
        r.post("/v1/completions", (req, res) -> handle(req, res, true, endpoints::completions))
                .post("/v1/chat/completions", (req, res) -> handle(req, res, true, endpoints::chat))
                .post("/tokenize", (req, res) -> handle(req, res, false, endpoints::tokenize))
                .post("/detokenize", (req, res) -> handle(req, res, false, endpoints::detokenize))
                .get("/v1/models", (req, res) -> json(res, 200, endpoints.models()))
                .get("/health", (req, res) -> json(res, 200, endpoints.health()))
                .get("/", (req, res) -> StaticPage.serve("index.html", res))
                .get("/*", (req, res) -> StaticPage.serve(req.path().path().substring(1), res))
                .any((req, res) -> error(res, new ApiException(404, "invalid_request_error", null, "not_found",
                        "no route for " + req.prologue().method().text() + " " + req.path().path())))
                .error(Throwable.class, (req, res, t) -> {
                    System.err.println("jgpt serve: " + t);
                    if (!res.isSent()) error(res, new ApiException(500, "server_error", null, null, "internal error: " + t.getMessage()));
                });
    }

    /** What a POST endpoint does with its parsed body. */
    interface Endpoint {
        void run(ObjectNode body, ServerResponse res) throws InterruptedException;
    }

    private void handle(ServerRequest req, ServerResponse res, boolean generation, Endpoint e) {
        try {
            e.run(body(req), res);
        } catch (ApiException x) {
            error(res, x);
        } catch (UserException x) { // e.g. a chat template's refusal: the request's fault
            error(res, ApiException.invalid(generation ? "messages" : null, x.getMessage()));
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        }
    }

    /** The body as a JSON object, refusing more than maxBody bytes (413) and anything that is not an object (400). */
    private ObjectNode body(ServerRequest req) {
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes(opt.maxBody() + 1);
        } catch (IOException | RuntimeException x) {
            throw new ApiException(400, "invalid_request_error", null, "invalid_body", "could not read the request body: " + x.getMessage());
        }
        if (bytes.length > opt.maxBody()) {
            throw new ApiException(413, "invalid_request_error", null, "request_too_large", "the request body is over " + opt.maxBody() + " bytes");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JacksonException x) {
            throw new ApiException(400, "invalid_request_error", null, "invalid_json", "the body is not valid JSON: " + x.getOriginalMessage());
        }
        if (n == null || !n.isObject()) throw new ApiException(400, "invalid_request_error", null, "invalid_json", "the body must be a JSON object");
        return (ObjectNode) n;
    }

    static void json(ServerResponse res, int status, JsonNode body) {
        res.status(Status.create(status));
        res.header("Content-Type", "application/json");
        try {
            res.send(MAPPER.writeValueAsBytes(body));
        } catch (IOException x) {
            throw new java.io.UncheckedIOException(x);
        }
    }

    static void error(ServerResponse res, ApiException x) {
        ObjectNode body = MAPPER.createObjectNode();
        ObjectNode e = body.putObject("error").put("message", x.getMessage()).put("type", x.type);
        e.put("param", x.param).put("code", x.code);
        if (x.status == 503) res.header("Retry-After", "1");
        json(res, x.status, body);
    }

    @Override
    public void close() {
        server.stop();
        scheduler.close();
    }
}
