package jgpt.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jgpt.UserException;
import jgpt.tokenizer.ByteLevelBpe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real Hugging Face chat templates (ChatML, Llama 2, Llama 3, Zephyr, Gemma, and one with {@code namespace()} and a
 * filtered loop) rendered by Jinjava must give exactly the text Jinja2 gives under {@code transformers}' settings
 * (src/test/python/render_chat_template.py), and both must reject the same conversations.
 * Needs {@code /usr/bin/python3} with jinja2 (Debian's python3-jinja2): under CI=true its absence fails the test.
 */
class JinjaCrossCheckTest {
    static final String PYTHON = "/usr/bin/python3";
    static final Map<String, String> SPECIALS = Map.of("bos_token", "<s>", "eos_token", "</s>");
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> TEMPLATES = List.of("chatml", "llama2", "llama3", "zephyr", "gemma", "namespace");
    static JsonNode references; // Jinja2's output: template name -> one result per case

    @BeforeAll
    static void needsJinja2() throws Exception {
        boolean ok;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import jinja2").redirectErrorStream(true).start();
            ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        }
        if (!ok && "true".equals(System.getenv("CI"))) fail("CI=true but " + PYTHON + " cannot import jinja2: install python3-jinja2");
        assumeTrue(ok, "jinja2 not installed for " + PYTHON + ": skipping the Jinja2 cross-check");
        Map<String, String> sources = new LinkedHashMap<>();
        for (String name : TEMPLATES) sources.put(name, resource(name + ".jinja"));
        references = jinja2(sources, cases());
    }

    /** Every conversation with and without the generation prompt, in that order. */
    static List<Map<String, Object>> cases() {
        List<Map<String, Object>> cases = new ArrayList<>();
        for (List<ChatMessage> conversation : conversations()) {
            for (boolean generationPrompt : new boolean[] {true, false}) {
                cases.add(Map.of("messages", asMaps(conversation), "add_generation_prompt", generationPrompt));
            }
        }
        return cases;
    }

    static List<List<ChatMessage>> conversations() {
        return List.of(
                List.of(ChatMessage.user("Hello!")),
                List.of(ChatMessage.system("You are terse."), ChatMessage.user("  What is 2+2? "),
                        ChatMessage.assistant(" 4. "), ChatMessage.user("And 3+3?")),
                List.of(ChatMessage.user("Write a haiku\nabout snow."), ChatMessage.assistant("White hush on the hills")),
                List.of(ChatMessage.user("Ünïcödé ✓ and 'quotes' \"too\" {{ not a tag }}")),
                // breaks the alternation some templates enforce
                List.of(ChatMessage.user("one"), ChatMessage.user("two")),
                List.of(ChatMessage.system("sys"), ChatMessage.user("hi")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chatml", "llama2", "llama3", "zephyr", "gemma", "namespace"})
    void rendersAsJinja2(String name) throws Exception {
        String source = resource(name + ".jinja");
        JinjaChatTemplate ours = new JinjaChatTemplate(source, SPECIALS);
        int compared = 0, i = 0;
        for (List<ChatMessage> conversation : conversations()) {
            for (boolean generationPrompt : new boolean[] {true, false}) {
                JsonNode reference = references.get(name).get(i++);
                String label = name + " " + conversation + " add_generation_prompt=" + generationPrompt;
                if (reference.has("error")) {
                    UserException e = assertThrows(UserException.class, () -> ours.render(conversation, generationPrompt), label);
                    assertTrue(e.getMessage().contains(reference.get("error").asText()), label + ": " + e.getMessage());
                } else {
                    assertEquals(reference.get("text").asText(), ours.render(conversation, generationPrompt), label);
                    compared++;
                }
            }
        }
        assertTrue(compared >= 6, name + ": too few conversations rendered to compare");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chatml", "llama3"})
    void tokenizesSpecialTokensOfGpt2(String name) throws Exception {
        // the end-of-text text in a template becomes GPT-2's special id, as HF tokenizes rendered chat prompts
        ChatPrompt chat = ChatPrompt.jinja(resource(name + ".jinja"), Map.of("bos_token", "<|endoftext|>"), ByteLevelBpe.gpt2(), 1024);
        RenderedPrompt p = chat.render(List.of(ChatMessage.user("<|endoftext|>")), 10);
        assertTrue(java.util.Arrays.stream(p.ids()).anyMatch(id -> id == 50256), name + ": " + java.util.Arrays.toString(p.ids()));
        assertEquals(p.text(), ByteLevelBpe.gpt2().decode(p.ids()));
    }

    static String resource(String name) throws IOException {
        try (InputStream in = JinjaCrossCheckTest.class.getResourceAsStream("templates/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<Map<String, String>> asMaps(List<ChatMessage> messages) {
        List<Map<String, String>> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, String> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            msgs.add(map);
        }
        return msgs;
    }

    /** One Jinja2 run renders every case with every template (a Python start each would cost seconds). */
    static JsonNode jinja2(Map<String, String> templates, List<Map<String, Object>> cases) throws Exception {
        Map<String, Object> request = Map.of("templates", templates, "special_tokens", SPECIALS, "cases", cases);
        Process p = new ProcessBuilder(PYTHON, "src/test/python/render_chat_template.py").start();
        p.getOutputStream().write(JSON.writeValueAsBytes(request));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "jinja2 failed: " + err);
        return JSON.readTree(out);
    }
}
