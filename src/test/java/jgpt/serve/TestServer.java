package jgpt.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jgpt.generate.GenerationConfig;
import jgpt.generate.Generator;
import jgpt.io.DType;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.model.WeightFormat;
import jgpt.tokenizer.ByteLevelBpe;
import jgpt.tokenizer.Tokenizer;

/** A tiny random GPT-2-vocabulary model in a folder, a real server on a free loopback port, and an HTTP client. */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final Gpt model;
    final Tokenizer tokenizer;
    final OpenAiServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    TestServer(Path dir, int blockSize, int maxBatch, int queue) throws IOException {
        tokenizer = ByteLevelBpe.gpt2();
        model = Gpt.create(GptConfig.of(2, 4, 64, blockSize, tokenizer.vocabSize(), 0f, true), 17);
        Files.createDirectories(dir);
        ModelFolder.writeModel(dir, model, DType.F32, tokenizer.endOfTextId());
        ((ByteLevelBpe) tokenizer).save(dir);
        server = OpenAiServer.start(new OpenAiServer.Options(model, tokenizer, "tiny", dir, WeightFormat.F32, "127.0.0.1", 0,
                maxBatch, queue, 64 * 1024));
    }

    URI uri(String path) { return URI.create("http://127.0.0.1:" + server.port() + path); }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode postJson(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = post(path, body);
        if (r.statusCode() != 200) throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
        return JSON.readTree(r.body());
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Opens a streaming request; the caller reads events with {@link #events} or closes it early. */
    HttpResponse<InputStream> open(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** The data payloads of a whole SSE stream, "[DONE]" included. */
    List<String> stream(String path, String body) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = open(path, body);
        if (r.statusCode() != 200) throw new AssertionError("HTTP " + r.statusCode());
        if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) throw new AssertionError("not SSE");
        List<String> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) out.add(line.substring(6));
                else if (!line.isEmpty()) throw new AssertionError("unexpected SSE line: " + line);
            }
        }
        return out;
    }

    /** What the existing generator produces for these ids and settings (end-of-text dropped, as the server does). */
    String generate(int[] prompt, int maxTokens, float temperature, int topK, float topP, long seed) {
        int[] ids = new Generator(model).generate(prompt, new GenerationConfig(maxTokens, temperature, topK, topP, seed),
                tokenizer.endOfTextId(), null);
        int n = ids.length > 0 && ids[ids.length - 1] == tokenizer.endOfTextId() ? ids.length - 1 : ids.length;
        return tokenizer.decode(java.util.Arrays.copyOf(ids, n));
    }

    @Override public void close() { server.close(); }
}
