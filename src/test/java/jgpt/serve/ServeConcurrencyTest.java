package jgpt.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many streaming clients at once, a full queue, and clients that leave mid-stream. */
class ServeConcurrencyTest {
    @TempDir Path dir;

    @Test
    void concurrentStreamingClientsEachGetTheirOwnText() throws Exception {
        try (TestServer s = new TestServer(dir.resolve("m"), 128, 3, 16)) {
            int clients = 7; // more than the 3 slots: some wait in the queue and join between steps
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<String>> got = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    String body = ServeTest.completion("client " + i + " says", 15 + 3 * i, 0.9f, 1000 + i, ", \"stream\": true");
                    got.add(pool.submit(() -> {
                        StringBuilder text = new StringBuilder();
                        List<String> ev = s.stream("/v1/completions", body);
                        for (String e : ev.subList(0, ev.size() - 1)) text.append(TestServer.JSON.readTree(e).get("choices").get(0).get("text").asText());
                        return text.toString();
                    }));
                }
                for (int i = 0; i < clients; i++) {
                    String want = s.generate(s.tokenizer.encode("client " + i + " says"), 15 + 3 * i, 0.9f, 0, 1f, 1000 + i);
                    assertEquals(want, got.get(i).get(), "client " + i);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void fullQueueAnswers503AndALeavingClientFreesItsSlot() throws Exception {
        try (TestServer s = new TestServer(dir.resolve("q"), 1024, 1, 1)) {
            String longBody = "{\"prompt\": \"long\", \"max_tokens\": 1000, \"temperature\": 1, \"stream\": true}";
            HttpResponse<InputStream> first = s.open("/v1/completions", longBody); // takes the only slot
            BufferedReader in = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8));
            assertTrue(in.readLine().startsWith("data: "), "first is streaming");
            CompletableFuture<HttpResponse<InputStream>> second = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.open("/v1/completions", longBody); // waits in the one-place queue
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            waitFor(s, h -> h.get("queued").asInt() == 1, "the second request queued");
            var third = s.post("/v1/completions", "{\"prompt\": \"x\", \"max_tokens\": 2}");
            assertEquals(503, third.statusCode(), third.body());
            assertTrue(third.headers().firstValue("Retry-After").isPresent());
            assertEquals("queue_full", TestServer.JSON.readTree(third.body()).get("error").get("code").asText());

            long before = s.get("/health").get("cancelled_sequences").asLong();
            first.body().close(); // the first client leaves: its generation stops, and the queued one gets the slot
            HttpResponse<InputStream> r2 = second.get();
            BufferedReader in2 = new BufferedReader(new InputStreamReader(r2.body(), StandardCharsets.UTF_8));
            assertTrue(in2.readLine().startsWith("data: "), "second streams once the first left");
            waitFor(s, h -> h.get("cancelled_sequences").asLong() == before + 1, "the first sequence cancelled");
            r2.body().close();
            waitFor(s, h -> h.get("active").asInt() == 0 && h.get("cancelled_sequences").asLong() == before + 2, "both slots freed");
            long generated = s.get("/health").get("tokens_generated").asLong();
            assertTrue(generated < 1000, "generation stopped early: " + generated + " tokens for two 1000-token requests");
            assertEquals(200, s.post("/v1/completions", "{\"prompt\": \"x\", \"max_tokens\": 2}").statusCode());
        }
    }

    private static void waitFor(TestServer s, java.util.function.Predicate<JsonNode> ok, String what) throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        JsonNode h = null;
        while (System.nanoTime() < end) {
            h = s.get("/health");
            if (ok.test(h)) return;
            Thread.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + what + "; health " + h);
    }
}
