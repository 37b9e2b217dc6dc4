package jgpt.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jgpt.model.Decoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI-compatible endpoints over real HTTP against a tiny random model: texts equal what the existing
 * {@link jgpt.generate.Generator} produces with the same settings (alone, batched, streamed, n > 1), logprobs
 * and raw logits equal a direct computation from the {@link Decoder}'s logits, stop strings cut the text.
 */
class ServeTest {
    @TempDir static Path dir;
    static TestServer s;

    @BeforeAll static void start() throws Exception { s = new TestServer(dir.resolve("tiny"), 256, 4, 16); }

    @AfterAll static void stop() { s.close(); }

    static String completion(String prompt, int maxTokens, float temperature, long seed, String extra) {
        return "{\"model\": \"tiny\", \"prompt\": " + TestServer.JSON.valueToTree(prompt) + ", \"max_tokens\": " + maxTokens
                + ", \"temperature\": " + temperature + ", \"seed\": " + seed + extra + "}";
    }

    @Test
    void greedyCompletionIsTheGeneratorsText() throws Exception {
        JsonNode r = s.postJson("/v1/completions", completion("Hello world", 12, 0f, 0, ""));
        assertEquals("text_completion", r.get("object").asText());
        assertEquals("tiny", r.get("model").asText());
        JsonNode c = r.get("choices").get(0);
        int[] prompt = s.tokenizer.encode("Hello world");
        assertEquals(s.generate(prompt, 12, 0f, 0, 1f, 0), c.get("text").asText());
        assertEquals(prompt.length, r.get("usage").get("prompt_tokens").asInt());
        String finish = c.get("finish_reason").asText();
        assertTrue(finish.equals("length") || finish.equals("stop"), finish);
        if (finish.equals("length")) assertEquals(12, r.get("usage").get("completion_tokens").asInt());
        assertEquals(r.get("usage").get("prompt_tokens").asInt() + r.get("usage").get("completion_tokens").asInt(),
                r.get("usage").get("total_tokens").asInt());
    }

    @Test
    void seededSamplingIsTheGeneratorsTextAlsoWhenBatchedWithOthers() throws Exception {
        int[] prompt = s.tokenizer.encode("Once upon a time");
        String want = s.generate(prompt, 30, 0.9f, 40, 0.95f, 42);
        String body = completion("Once upon a time", 30, 0.9f, 42, ", \"top_k\": 40, \"top_p\": 0.95");
        assertEquals(want, s.postJson("/v1/completions", body).get("choices").get(0).get("text").asText(), "alone");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<JsonNode>> others = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String other = completion("Other prompt number " + i, 25 + i, 1.0f, 100 + i, "");
                others.add(pool.submit(() -> s.postJson("/v1/completions", other)));
            }
            Future<JsonNode> mine = pool.submit(() -> s.postJson("/v1/completions", body));
            for (Future<JsonNode> f : others) f.get();
            assertEquals(want, mine.get().get("choices").get(0).get("text").asText(), "batched with five others");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void nChoicesUseConsecutiveSeeds() throws Exception {
        JsonNode r = s.postJson("/v1/completions", completion("The", 10, 1.0f, 5, ", \"n\": 3"));
        assertEquals(3, r.get("choices").size());
        int[] prompt = s.tokenizer.encode("The");
        for (int i = 0; i < 3; i++) {
            assertEquals(i, r.get("choices").get(i).get("index").asInt());
            assertEquals(s.generate(prompt, 10, 1.0f, 0, 1f, 5 + i), r.get("choices").get(i).get("text").asText(), "choice " + i);
        }
    }

    @Test
    void streamedChunksAddUpToTheText() throws Exception {
        String want = s.postJson("/v1/completions", completion("Stream me", 20, 0.8f, 3, "")).get("choices").get(0).get("text").asText();
        List<String> events = s.stream("/v1/completions", completion("Stream me", 20, 0.8f, 3,
                ", \"stream\": true, \"stream_options\": {\"include_usage\": true}"));
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode j = TestServer.JSON.readTree(e);
            assertEquals("text_completion", j.get("object").asText());
            if (j.get("choices").isEmpty()) {
                usage = j.get("usage");
                continue;
            }
            assertFalse(j.has("usage"), "usage only in the last chunk");
            JsonNode c = j.get("choices").get(0);
            text.append(c.get("text").asText());
            if (!c.get("finish_reason").isNull()) finish = c.get("finish_reason").asText();
        }
        assertEquals(want, text.toString());
        assertNotNull(finish);
        assertNotNull(usage, "include_usage sends a usage chunk");
        assertEquals(s.tokenizer.encode("Stream me").length, usage.get("prompt_tokens").asInt());
    }

    @Test
    void chatStreamsDeltasAndReportsDroppedTurns() throws Exception {
        String body = "{\"model\": \"tiny\", \"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                + " {\"role\": \"user\", \"content\": \"Hi there\"}], \"max_tokens\": 8, \"temperature\": 0.7, \"seed\": 9";
        var whole = s.post("/v1/chat/completions", body + "}");
        assertEquals(200, whole.statusCode(), whole.body());
        assertEquals("0", whole.headers().firstValue("X-Jgpt-Dropped-Messages").orElseThrow());
        JsonNode r = TestServer.JSON.readTree(whole.body());
        assertEquals("chat.completion", r.get("object").asText());
        JsonNode msg = r.get("choices").get(0).get("message");
        assertEquals("assistant", msg.get("role").asText());
        assertEquals(0, r.get("usage").get("dropped_messages").asInt());
        List<String> events = s.stream("/v1/chat/completions", body + ", \"stream\": true}");
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        JsonNode first = TestServer.JSON.readTree(events.getFirst());
        assertEquals("chat.completion.chunk", first.get("object").asText());
        assertEquals("assistant", first.get("choices").get(0).get("delta").get("role").asText());
        for (String e : events.subList(0, events.size() - 1)) {
            text.append(TestServer.JSON.readTree(e).get("choices").get(0).get("delta").path("content").asText(""));
        }
        assertEquals(msg.get("content").asText(), text.toString());

        // a conversation longer than the 256-token context: the oldest turns go, the system prompt stays
        StringBuilder longChat = new StringBuilder("{\"messages\": [{\"role\": \"system\", \"content\": \"sys\"}");
        for (int i = 0; i < 12; i++) {
            longChat.append(", {\"role\": \"user\", \"content\": \"question ").append(i).append(" is about a fairly long topic indeed\"}")
                    .append(", {\"role\": \"assistant\", \"content\": \"answer ").append(i).append(" goes on for a while as well\"}");
        }
        longChat.append(", {\"role\": \"user\", \"content\": \"last\"}], \"max_tokens\": 100, \"temperature\": 0}");
        var dropped = s.post("/v1/chat/completions", longChat.toString());
        assertEquals(200, dropped.statusCode(), dropped.body());
        int n = Integer.parseInt(dropped.headers().firstValue("X-Jgpt-Dropped-Messages").orElseThrow());
        assertTrue(n > 0, "dropped " + n);
        assertEquals(n, TestServer.JSON.readTree(dropped.body()).get("usage").get("dropped_messages").asInt());
        assertTrue(TestServer.JSON.readTree(dropped.body()).get("usage").get("prompt_tokens").asInt() <= 256 - 100);
    }

    @Test
    void logprobsAndRawLogitsAreThoseOfTheDistributionSampledFrom() throws Exception {
        int[] prompt = s.tokenizer.encode("Numbers: one two");
        float[] logits = new Decoder(s.model).prefill(prompt).clone();
        float t = 0.7f;
        int k = 5;
        JsonNode r = s.postJson("/v1/completions", completion("Numbers: one two", 1, t, 11,
                ", \"top_k\": " + k + ", \"logprobs\": 3, \"top_logits\": 4"));
        JsonNode lp = r.get("choices").get(0).get("logprobs");
        int chosen = s.tokenizer.encode(lp.get("tokens").get(0).asText()).length == 1
                ? s.tokenizer.encode(lp.get("tokens").get(0).asText())[0] : -1;
        // the sampled distribution: softmax(logits / t) over the top k, renormalised
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        double max = logits[order[0]], z = 0;
        for (int i = 0; i < k; i++) z += Math.exp((logits[order[i]] - max) / t);
        JsonNode top = lp.get("top_logprobs").get(0);
        assertEquals(3, top.size());
        for (int i = 0; i < 3; i++) {
            String tok = s.tokenizer.decode(order[i]);
            double want = (logits[order[i]] - max) / t - Math.log(z);
            assertEquals(want, top.get(tok).asDouble(), 1e-4, "top_logprobs " + tok);
        }
        if (chosen >= 0) {
            assertEquals((logits[chosen] - max) / t - Math.log(z), lp.get("token_logprobs").get(0).asDouble(), 1e-4);
        }
        JsonNode raw = lp.get("top_logits").get(0);
        assertEquals(4, raw.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(order[i].intValue(), raw.get(i).get("id").asInt());
            assertEquals(logits[order[i]], raw.get(i).get("logit").floatValue(), 1e-5f);
            assertEquals(s.tokenizer.decode(order[i]), raw.get(i).get("token").asText());
        }

        // chat: one entry per token with id, top_logprobs sorted, top_logits
        JsonNode c = s.postJson("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}],"
                + " \"max_tokens\": 4, \"logprobs\": true, \"top_logprobs\": 2, \"top_logits\": 3, \"temperature\": 0}");
        JsonNode content = c.get("choices").get(0).get("logprobs").get("content");
        assertTrue(content.size() >= 1);
        for (JsonNode e : content) {
            assertTrue(e.get("id").isInt());
            assertEquals(2, e.get("top_logprobs").size());
            assertTrue(e.get("top_logprobs").get(0).get("logprob").asDouble() >= e.get("top_logprobs").get(1).get("logprob").asDouble());
            assertEquals(e.get("id").asInt(), e.get("top_logits").get(0).get("id").asInt(), "greedy picks the largest logit");
            assertEquals(3, e.get("top_logits").size());
            assertTrue(e.get("logprob").asDouble() <= 0);
        }
    }

    @Test
    void stopStringsCutTheText() throws Exception {
        String full = s.postJson("/v1/completions", completion("abc", 40, 1.0f, 21, "")).get("choices").get(0).get("text").asText();
        assertTrue(full.length() > 12, full);
        String stop = full.substring(8, 11);
        String want = full.substring(0, full.indexOf(stop));
        JsonNode c = s.postJson("/v1/completions", completion("abc", 40, 1.0f, 21, ", \"stop\": [\"\\u0000never\", "
                + TestServer.JSON.valueToTree(stop) + "]")).get("choices").get(0);
        assertEquals(want, c.get("text").asText());
        assertEquals("stop", c.get("finish_reason").asText());
        StringBuilder streamed = new StringBuilder();
        List<String> events = s.stream("/v1/completions", completion("abc", 40, 1.0f, 21, ", \"stream\": true, \"stop\": "
                + TestServer.JSON.valueToTree(stop)));
        for (String e : events.subList(0, events.size() - 1)) streamed.append(TestServer.JSON.readTree(e).get("choices").get(0).get("text").asText());
        assertEquals(want, streamed.toString());
    }

    @Test
    void tokenizeModelsAndHealth() throws Exception {
        JsonNode t = s.postJson("/tokenize", "{\"prompt\": \"Hello world\"}");
        assertEquals(s.tokenizer.encode("Hello world").length, t.get("count").asInt());
        String ids = t.get("tokens").toString();
        assertEquals("Hello world", s.postJson("/detokenize", "{\"tokens\": " + ids + "}").get("prompt").asText());
        JsonNode model = s.get("/v1/models").get("data").get(0);
        assertEquals("tiny", model.get("id").asText());
        assertEquals(s.tokenizer.vocabSize(), model.get("vocab_size").asInt());
        assertEquals("ok", s.get("/health").get("status").asText());
    }
}
