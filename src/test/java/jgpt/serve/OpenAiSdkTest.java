package jgpt.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Java SDK (com.openai:openai-java), unchanged but for its base URL, against the server:
 * chat and completions, whole and streamed, with strict validation of every response it parses.
 */
class OpenAiSdkTest {
    @TempDir static Path dir;
    static TestServer s;
    static OpenAIClient client;

    @BeforeAll static void start() throws Exception {
        s = new TestServer(dir.resolve("tiny"), 128, 2, 8);
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + s.server.port() + "/v1").apiKey("unused").build();
    }

    @AfterAll static void stop() {
        client.close();
        s.close();
    }

    @Test
    void chatCompletion() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("tiny")
                .addSystemMessage("Be brief.").addUserMessage("Hello!").maxCompletionTokens(6).temperature(0.8).seed(4L)
                .logprobs(true).topLogprobs(2).build());
        c.validate();
        assertEquals(1, c.choices().size());
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertTrue(choice.message().content().isPresent());
        assertEquals(2, choice.logprobs().orElseThrow().content().orElseThrow().getFirst().topLogprobs().size());
        assertTrue(c.usage().orElseThrow().completionTokens() >= 1);
    }

    @Test
    void streamedChatEqualsWholeChat() {
        ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model("tiny").addUserMessage("Tell me")
                .maxCompletionTokens(10).temperature(1.0).seed(8L).build();
        String whole = client.chat().completions().create(p).choices().getFirst().message().content().orElse("");
        StringBuilder streamed = new StringBuilder();
        boolean[] finished = {false};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(p)) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                for (ChatCompletionChunk.Choice ch : chunk.choices()) {
                    ch.delta().content().ifPresent(streamed::append);
                    if (ch.finishReason().isPresent()) finished[0] = true;
                }
            });
        }
        assertEquals(whole, streamed.toString());
        assertTrue(finished[0]);
    }

    @Test
    void completionAndItsErrors() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("tiny")
                .prompt("Once upon").maxTokens(5).temperature(0.0).logprobs(2).build());
        c.validate();
        assertEquals(5, c.choices().getFirst().logprobs().orElseThrow().tokens().orElseThrow().size());
        assertEquals(s.generate(s.tokenizer.encode("Once upon"), 5, 0f, 0, 1f, 0), c.choices().getFirst().text());
        BadRequestException e = org.junit.jupiter.api.Assertions.assertThrows(BadRequestException.class, () ->
                client.completions().create(CompletionCreateParams.builder().model("tiny").prompt("x").temperature(-1.0).build()));
        assertEquals(400, e.statusCode());
        assertEquals("temperature", e.param().orElseThrow());
        assertEquals("invalid_request_error", e.type().orElseThrow());
    }
}
