package jgpt.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jgpt.tensor.Rng;

/**
 * Streaming clients against a running server, each sending /v1/completions requests back to back for a fixed
 * time: requests/s, generated tokens/s (all clients, and each), time to first token, decode rate, errors.
 */
public final class LoadTest {
    /** What one run measured. */
    public record Result(int clients, double seconds, int requests, int errors, long tokens, double[] clientTokensPerS,
                         double[] ttftMs, double decodeTokensPerS) {
        public double requestsPerS() { return requests / seconds; }

        public double tokensPerS() { return tokens / seconds; }

        public double ttftPercentile(double p) {
            if (ttftMs.length == 0) return Double.NaN;
            double[] s = ttftMs.clone();
            Arrays.sort(s);
            return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
        }
    }

    private LoadTest() {}

    /** Runs clients for seconds; each request: promptTokens random ids, maxTokens generated at the temperature. */
    public static Result run(int port, int clients, double seconds, int promptTokens, int maxTokens, float temperature, int vocab)
            throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        Client[] cs = new Client[clients];
        Thread[] ts = new Thread[clients];
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            cs[i] = new Client(port, i, end, promptTokens, maxTokens, temperature, vocab);
            ts[i] = Thread.ofPlatform().name("bench-client-" + i).start(cs[i]);
        }
        for (Thread t : ts) t.join();
        double wall = (System.nanoTime() - start) / 1e9;
        int requests = 0, errors = 0;
        long tokens = 0;
        double[] per = new double[clients];
        List<Double> ttft = new ArrayList<>();
        double decodeTokens = 0, decodeSeconds = 0;
        for (int i = 0; i < clients; i++) {
            requests += cs[i].requests;
            errors += cs[i].errors;
            tokens += cs[i].tokens;
            per[i] = cs[i].tokens / wall;
            ttft.addAll(cs[i].ttft);
            decodeTokens += cs[i].decodeTokens;
            decodeSeconds += cs[i].decodeSeconds;
        }
        return new Result(clients, wall, requests, errors, tokens, per, ttft.stream().mapToDouble(Double::doubleValue).toArray(),
                decodeSeconds > 0 ? decodeTokens / decodeSeconds : 0);
    }

    private static final class Client implements Runnable {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final URI uri;
        private final int index, promptTokens, maxTokens, vocab;
        private final float temperature;
        private final long end;
        int requests, errors;
        long tokens;
        double decodeTokens, decodeSeconds;
        final List<Double> ttft = new ArrayList<>();

        Client(int port, int index, long end, int promptTokens, int maxTokens, float temperature, int vocab) {
            this.uri = URI.create("http://127.0.0.1:" + port + "/v1/completions");
            this.index = index;
            this.end = end;
            this.promptTokens = promptTokens;
            this.maxTokens = maxTokens;
            this.temperature = temperature;
            this.vocab = vocab;
        }

        @Override public void run() {
            Rng rng = new Rng(1000 + index);
            while (System.nanoTime() < end) {
                ObjectNode body = OpenAiServer.MAPPER.createObjectNode().put("max_tokens", maxTokens).put("temperature", temperature)
                        .put("stream", true).put("seed", rng.nextInt(1 << 30));
                body.putObject("stream_options").put("include_usage", true);
                var prompt = body.putArray("prompt");
                for (int i = 0; i < promptTokens; i++) prompt.add(rng.nextInt(vocab));
                try {
                    one(body.toString());
                } catch (Exception e) {
                    errors++;
                }
            }
        }

        private void one(String body) throws Exception {
            long t0 = System.nanoTime();
            HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (res.statusCode() != 200) {
                res.body().close();
                errors++;
                return;
            }
            long first = 0, last = 0;
            int got = 0;
            boolean done = false;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.startsWith("data: ")) continue;
                    String data = line.substring(6);
                    if (data.equals("[DONE]")) {
                        done = true;
                        break;
                    }
                    JsonNode j = OpenAiServer.MAPPER.readTree(data);
                    if (j.has("usage") && j.get("choices").isEmpty()) {
                        got = j.get("usage").get("completion_tokens").asInt();
                        continue;
                    }
                    long now = System.nanoTime();
                    if (first == 0) first = now;
                    last = now;
                }
            }
            if (!done || first == 0) {
                errors++;
                return;
            }
            requests++;
            tokens += got;
            ttft.add((first - t0) / 1e6);
            if (got > 1 && last > first) {
                decodeTokens += got - 1;
                decodeSeconds += (last - first) / 1e9;
            }
        }
    }
}
