package jgpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jgpt.chat.ChatMessage;
import jgpt.chat.ChatPrompt;
import jgpt.generate.GenerationConfig;
import jgpt.generate.Generator;
import jgpt.io.DType;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tokenizer.CharTokenizer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpt chat} driven through stdin: each reply must be exactly what the generator samples from the rendered
 * conversation (with the reply's seed), cut at the stop string; the slash commands act on the conversation.
 */
class ChatCliTest {
    static final int MAX_TOKENS = 12;
    @TempDir Path tmp;
    Path dir;
    CharTokenizer tok = CharTokenizer.fromText("abcdefghinorstuwyUA:!? \n");

    @BeforeEach
    void writeModel() throws Exception {
        dir = tmp.resolve("model");
        Files.createDirectories(dir);
        Gpt gpt = Gpt.create(GptConfig.of(1, 2, 16, 128, tok.vocabSize(), 0f, true), 3);
        // larger than the 0.02 initialisation, so the distributions are far from uniform
        for (int i = 0; i < gpt.parameters().count(); i++) gpt.parameters().data()[i] *= 20f;
        ModelFolder.writeModel(dir, gpt, DType.F32, -1);
        tok.save(dir);
    }

    /** Runs {@code gpt chat} with the given stdin; returns {exit code, stdout, stderr}. */
    static Object[] chat(String stdin, String... args) {
        InputStream oldIn = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            List<String> all = new ArrayList<>(List.of("chat"));
            all.addAll(List.of(args));
            return CliErrorTest.run(all.toArray(String[]::new));
        } finally {
            System.setIn(oldIn);
        }
    }

    /** The reply computed without the CLI: generate, decode, cut at the first stop string, drop leading blanks. */
    String expectedReply(List<ChatMessage> messages, long seed, int[] tokenCount) throws Exception {
        Gpt model = ModelFolder.loadForInference(dir);
        ChatPrompt chat = ChatPrompt.forModel(dir, tok, 128);
        int[] prompt = chat.render(messages, MAX_TOKENS).ids();
        int[] ids = new Generator(model).generate(prompt, new GenerationConfig(MAX_TOKENS, 1f, 0, 1f, seed), -1, null);
        for (int n = 1; n <= ids.length; n++) {
            String text = tok.decode(java.util.Arrays.copyOf(ids, n));
            int stop = text.indexOf("\nUser:");
            if (stop >= 0 || n == ids.length) {
                tokenCount[0] = n;
                return (stop >= 0 ? text.substring(0, stop) : text).stripLeading();
            }
        }
        throw new AssertionError("no tokens");
    }

    @Test
    void conversationWithCommands() throws Exception {
        String input = "hi there\n/show\nwhy so?\n/system you are a bot\n/reset\n\nwho are you\n/nope\n";
        Object[] r = chat(input, "--model", dir.toString(), "--max-tokens", "" + MAX_TOKENS, "--temperature", "1", "--top-k", "0", "--seed", "40");
        assertEquals(0, r[0], (String) r[2]);
        String out = (String) r[1];

        int[] count = new int[1];
        String reply1 = expectedReply(List.of(ChatMessage.user("hi there")), 40, count);
        int reply1Tokens = count[0];
        String reply2 = expectedReply(List.of(ChatMessage.user("hi there"), ChatMessage.assistant(reply1), ChatMessage.user("why so?")), 41, count);
        String reply3 = expectedReply(List.of(ChatMessage.system("you are a bot"), ChatMessage.user("who are you")), 42, count);

        String[] sections = out.split("\n?> ", -1);
        assertTrue(sections[0].startsWith("Chatting with " + dir), out);
        assertEquals(reply1, sections[1].strip(), out);
        List<String> shown = sections[2].strip().lines().toList();
        assertEquals(reply1Tokens, shown.size(), "one /show line per token of the last reply:\n" + out);
        assertTrue(shown.getFirst().matches("\\s*0 {2}\".*\" +p=[01]\\.\\d{4} {2}\\|.*"), shown.getFirst());
        assertEquals(reply2, sections[3].strip(), out);
        assertEquals("(system prompt set)", sections[4].strip());
        assertEquals("(conversation forgotten; the system prompt stays)", sections[5].strip());
        assertEquals("", sections[6], "a blank line just asks again: " + out);
        assertEquals(reply3, sections[7].strip(), out);
        assertTrue(sections[8].startsWith("unknown command /nope"), out);
        assertEquals("", sections[9].strip(), "Ctrl-D (end of input) leaves: " + out);
    }

    @Test
    void aTooLongMessageIsReportedAndForgotten() {
        String longLine = "a".repeat(200);
        Object[] r = chat(longLine + "\nhi\n", "--model", dir.toString(), "--max-tokens", "5");
        assertEquals(0, r[0], (String) r[2]);
        String out = (String) r[1];
        assertTrue(out.contains("> error: the last message makes a"), out);
        assertTrue(out.lines().filter(l -> l.startsWith("> ") && !l.startsWith("> error")).count() >= 1, out);
    }

    @Test
    void badFlagsAreUserErrors() {
        Object[] r = chat("", "--model", dir.toString(), "--temperature", "-1");
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).startsWith("error: --temperature"), (String) r[2]);
        r = chat("", "--model", dir.toString(), "--max-tokens", "0");
        assertEquals(2, r[0]);
    }
}
