package jgpt.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jgpt.UserException;
import jgpt.tokenizer.ByteLevelBpe;
import jgpt.tokenizer.CharTokenizer;
import jgpt.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Template choice from a model folder, the plain template's documented layout, validation and truncation. */
class ChatPromptTest {
    static final Tokenizer GPT2 = ByteLevelBpe.gpt2();
    // one id per character, so lengths below are countable by eye
    static final Tokenizer CHARS = CharTokenizer.fromText("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:!?'\n<|>_");
    @TempDir Path dir;

    @Test
    void plainTemplateLayout() {
        ChatPrompt chat = ChatPrompt.plain(GPT2, 1024);
        List<ChatMessage> conversation = List.of(ChatMessage.system("You are a poet. "), ChatMessage.user(" Hello!"),
                ChatMessage.assistant("Hi, how can I help?\n"), ChatMessage.user("A rhyme, please."));
        RenderedPrompt p = chat.render(conversation, 100);
        assertEquals("You are a poet.\n\nUser: Hello!\nAssistant: Hi, how can I help?\nUser: A rhyme, please.\nAssistant:", p.text());
        assertArrayEquals(GPT2.encode(p.text()), p.ids());
        assertEquals(0, p.droppedMessages());
        assertEquals(List.of("\nUser:"), chat.stopStrings());
    }

    @Test
    void plainTemplateContinuesAnUnfinishedReply() {
        RenderedPrompt p = ChatPrompt.plain(GPT2, 1024).render(List.of(ChatMessage.user("Count."), ChatMessage.assistant("One, two,")), 10);
        assertEquals("User: Count.\nAssistant: One, two,", p.text());
    }

    @Test
    void plainTemplateKeepsSpecialTokenTextAsText() {
        RenderedPrompt p = ChatPrompt.plain(GPT2, 1024).render(List.of(ChatMessage.user("<|endoftext|>")), 10);
        assertTrue(java.util.Arrays.stream(p.ids()).noneMatch(id -> id == GPT2.endOfTextId()));
    }

    @Test
    void folderWithoutTemplateGetsThePlainOne() throws Exception {
        assertEquals(List.of("\nUser:"), ChatPrompt.forModel(dir, GPT2, 1024).stopStrings());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 1024, \"eos_token\": \"<|endoftext|>\"}");
        assertEquals(List.of("\nUser:"), ChatPrompt.forModel(dir, GPT2, 1024).stopStrings());
    }

    @Test
    void chatTemplateFromTokenizerConfig() throws Exception {
        // as transformers saves it: special tokens as strings or added-token objects
        String template = JinjaCrossCheckTest.resource("llama2.jinja");
        Files.writeString(dir.resolve("tokenizer_config.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of(
                "chat_template", template,
                "bos_token", Map.of("__type", "AddedToken", "content", "<s>", "lstrip", false),
                "eos_token", "</s>")));
        ChatPrompt chat = ChatPrompt.forModel(dir, GPT2, 1024);
        assertEquals(List.of(), chat.stopStrings());
        RenderedPrompt p = chat.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"), ChatMessage.assistant("Hello"),
                ChatMessage.user("Bye")), 10);
        assertEquals("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello </s><s>[INST] Bye [/INST]", p.text());
        UserException e = assertThrows(UserException.class, () -> chat.render(List.of(ChatMessage.assistant("first")), 10));
        assertTrue(e.getMessage().contains("Conversation roles must alternate"), e.getMessage());
    }

    @Test
    void namedTemplatesAndTemplateFile() throws Exception {
        String chatml = JinjaCrossCheckTest.resource("chatml.jinja");
        Files.writeString(dir.resolve("tokenizer_config.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of(
                "chat_template", List.of(Map.of("name", "tool_use", "template", "TOOLS"), Map.of("name", "default", "template", chatml)))));
        List<ChatMessage> hi = List.of(ChatMessage.user("Hi"));
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", ChatPrompt.forModel(dir, GPT2, 1024).render(hi, 1).text());
        Files.writeString(dir.resolve("chat_template.jinja"), "{% for m in messages %}[{{ m.role }}] {{ m.content }}{% endfor %}");
        assertEquals("[user] Hi", ChatPrompt.forModel(dir, GPT2, 1024).render(hi, 1).text());
    }

    @Test
    void badTemplatesAndConfigs() throws Exception {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": ");
        assertThrows(UserException.class, () -> ChatPrompt.forModel(dir, GPT2, 1024));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": {\"x\": 1}}");
        assertThrows(UserException.class, () -> ChatPrompt.forModel(dir, GPT2, 1024));
        UserException e = assertThrows(UserException.class, () -> ChatPrompt.jinja(
                "{% for m in messages if m.role == 'user' %}{{ m.content }}{% endfor %}", Map.of(), GPT2, 1024));
        assertTrue(e.getMessage().contains("filtered loop"), e.getMessage());
        ChatPrompt broken = ChatPrompt.jinja("{{ messages[0].content | no_such_filter }}", Map.of(), GPT2, 1024);
        assertThrows(UserException.class, () -> broken.render(List.of(ChatMessage.user("x")), 1));
    }

    @Test
    void validation() {
        ChatPrompt chat = ChatPrompt.plain(GPT2, 1024);
        assertTrue(assertThrows(UserException.class, () -> chat.render(List.of(), 10)).getMessage().contains("empty"));
        assertThrows(UserException.class, () -> new ChatMessage("tool", "x"));
        assertThrows(UserException.class, () -> new ChatMessage(null, "x"));
        assertThrows(UserException.class, () -> new ChatMessage("user", null));
        assertThrows(UserException.class, () -> chat.render(List.of(ChatMessage.user("a"), ChatMessage.system("b")), 10));
        assertThrows(UserException.class, () -> chat.render(List.of(ChatMessage.system("only")), 10));
        assertThrows(UserException.class, () -> chat.render(List.of(ChatMessage.user("a")), 1024));
    }

    @Test
    void dropsWholeOldTurnsAfterTheSystemPrompt() {
        List<ChatMessage> conversation = new ArrayList<>();
        conversation.add(ChatMessage.system("sys"));
        for (int i = 0; i < 5; i++) {
            conversation.add(ChatMessage.user("question " + i));
            conversation.add(ChatMessage.assistant("answer " + i));
        }
        conversation.add(ChatMessage.user("last"));
        ChatPrompt plain = ChatPrompt.plain(CHARS, 1000);
        String full = plain.render(conversation, 0).text();
        // "User: question i\n" is 17 characters, "Assistant: answer i\n" is 20: a turn is 37 tokens
        for (int dropTurns = 0; dropTurns <= 5; dropTurns++) {
            int promptLength = full.length() - 37 * dropTurns;
            for (int slack : new int[] {0, 36}) {
                ChatPrompt chat = ChatPrompt.plain(CHARS, promptLength + 10 + (dropTurns == 0 ? 0 : slack));
                RenderedPrompt p = chat.render(conversation, 10);
                assertEquals(2 * dropTurns, p.droppedMessages(), "context " + (promptLength + 10 + slack));
                assertEquals(promptLength, p.ids().length);
                assertTrue(p.text().startsWith("sys\n\nUser: question " + dropTurns + "\n") || dropTurns == 5, p.text());
                assertTrue(p.text().endsWith("User: last\nAssistant:"));
            }
        }
        // the last turn alone with the system prompt: "sys\n\nUser: last\nAssistant:" is 26 tokens
        assertEquals(10, ChatPrompt.plain(CHARS, 36).render(conversation, 10).droppedMessages());
        UserException e = assertThrows(UserException.class, () -> ChatPrompt.plain(CHARS, 35).render(conversation, 10));
        assertTrue(e.getMessage().contains("26-token prompt"), e.getMessage());
    }

    @Test
    void truncationWithAJinjaTemplateKeepsItsRules() throws Exception {
        // Llama 2's template demands user/assistant alternation: dropping whole turns keeps it satisfied
        ChatPrompt full = ChatPrompt.jinja(JinjaCrossCheckTest.resource("llama2.jinja"), Map.of("bos_token", "<s>", "eos_token", "</s>"), GPT2, 1024);
        List<ChatMessage> conversation = List.of(ChatMessage.system("Be brief."), ChatMessage.user("one two three four"),
                ChatMessage.assistant("five six seven"), ChatMessage.user("eight"));
        int all = full.render(conversation, 0).ids().length;
        ChatPrompt tight = ChatPrompt.jinja(JinjaCrossCheckTest.resource("llama2.jinja"), Map.of("bos_token", "<s>", "eos_token", "</s>"), GPT2, all + 4);
        RenderedPrompt p = tight.render(conversation, 5);
        assertEquals(2, p.droppedMessages());
        assertEquals("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\neight [/INST]", p.text());
    }
}
