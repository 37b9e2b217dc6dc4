package jgpt.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad input is a 4xx with OpenAI's error body naming the parameter, and the server keeps serving. */
class ServeErrorsTest {
    @TempDir static Path dir;
    static TestServer s;

    @BeforeAll static void start() throws Exception { s = new TestServer(dir.resolve("tiny"), 64, 2, 4); }

    @AfterAll static void stop() { s.close(); }

    static final String C = "/v1/completions", CHAT = "/v1/chat/completions";
    static final String MSG = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";

    static Stream<Arguments> cases() {
        String longPrompt = "[" + "1,".repeat(64) + "1]";
        return Stream.of(
                Arguments.of(C, "{\"prompt\": \"hi\",", 400, null),
                Arguments.of(C, "[1, 2]", 400, null),
                Arguments.of(C, "{\"prompt\": \"hi\", \"temperature\": -0.5}", 400, "temperature"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"temperature\": \"hot\"}", 400, "temperature"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"top_p\": 0}", 400, "top_p"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"top_p\": 1.5}", 400, "top_p"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"top_k\": -1}", 400, "top_k"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"n\": 0}", 400, "n"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"n\": 1.5}", 400, "n"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"max_tokens\": 0}", 400, "max_tokens"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"max_tokens\": \"10\"}", 400, "max_tokens"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"max_tokens\": 64}", 400, "max_tokens"),
                Arguments.of(C, "{\"prompt\": " + longPrompt + "}", 400, "prompt"),
                Arguments.of(C, "{\"prompt\": \"\"}", 400, "prompt"),
                Arguments.of(C, "{\"max_tokens\": 3}", 400, "prompt"),
                Arguments.of(C, "{\"prompt\": [1, 99999999]}", 400, "prompt"),
                Arguments.of(C, "{\"prompt\": [\"a\", \"b\"]}", 400, "prompt"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"model\": \"gpt-4\"}", 404, "model"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"stop\": 5}", 400, "stop"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}", 400, "stop"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"seed\": \"x\"}", 400, "seed"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"stream\": \"yes\"}", 400, "stream"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"stream_options\": {\"include_usage\": true}}", 400, "stream_options"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"logprobs\": 21}", 400, "logprobs"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"top_logits\": 0}", 400, "top_logits"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"echo\": true}", 400, "echo"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"frequency_penalty\": 0.5}", 400, "frequency_penalty"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"logit_bias\": {\"50256\": -100}}", 400, "logit_bias"),
                Arguments.of(C, "{\"prompt\": \"hi\", \"temprature\": 1}", 400, "temprature"),
                Arguments.of(CHAT, "{\"messages\": []}", 400, "messages"),
                Arguments.of(CHAT, "{\"messages\": \"hi\"}", 400, "messages"),
                Arguments.of(CHAT, "{\"max_tokens\": 5}", 400, "messages"),
                Arguments.of(CHAT, "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}", 400, "messages[0].role"),
                Arguments.of(CHAT, "{\"messages\": [{\"role\": \"user\"}]}", 400, "messages[0].content"),
                Arguments.of(CHAT, "{\"messages\": [{\"role\": \"system\", \"content\": \"only a system prompt\"}]}", 400, "messages"),
                Arguments.of(CHAT, "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "word ".repeat(80) + "\"}], \"max_tokens\": 10}", 400, "messages"),
                Arguments.of(CHAT, "{" + MSG + ", \"top_logprobs\": 3}", 400, "top_logprobs"),
                Arguments.of(CHAT, "{" + MSG + ", \"logprobs\": 3}", 400, "logprobs"),
                Arguments.of(CHAT, "{" + MSG + ", \"tools\": [{\"type\": \"function\"}]}", 400, "tools"),
                Arguments.of(CHAT, "{" + MSG + ", \"response_format\": {\"type\": \"json_object\"}}", 400, "response_format"),
                Arguments.of(CHAT, "{" + MSG + ", \"max_tokens\": 5, \"max_completion_tokens\": 5}", 400, "max_completion_tokens"),
                Arguments.of(CHAT, "{" + MSG + ", \"model\": \"other\"}", 404, "model"),
                Arguments.of("/tokenize", "{\"text\": \"hi\"}", 400, "text"),
                Arguments.of("/detokenize", "{\"tokens\": [-1]}", 400, "tokens"),
                Arguments.of("/v1/embeddings", "{}", 404, null),
                Arguments.of(C, "{\"prompt\": \"" + "x".repeat(70 * 1024) + "\"}", 413, null));
    }

    @ParameterizedTest(name = "{0} {3} -> {2}")
    @MethodSource("cases")
    void refusedWithOpenAiErrorBody(String path, String body, int status, String param) throws Exception {
        var r = s.post(path, body);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode e = TestServer.JSON.readTree(r.body()).get("error");
        assertTrue(e.get("message").isTextual() && !e.get("message").asText().isEmpty());
        assertTrue(e.get("type").isTextual());
        assertTrue(e.has("param") && e.has("code"));
        if (param != null) assertEquals(param, e.get("param").asText(), e.get("message").asText());
        // and the server still answers
        assertEquals(200, s.post(C, "{\"prompt\": \"ok\", \"max_tokens\": 2}").statusCode());
    }
}
