package jgpt.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jgpt.UserException;
import jgpt.tokenizer.ByteLevelBpe;
import jgpt.tokenizer.Tokenizer;

/**
 * Builds a model's prompt from a conversation: the folder's Hugging Face {@code chat_template} when it has one,
 * else {@link PlainChatTemplate the plain template}. When the conversation does not fit the context, the oldest
 * turns after the system prompt are dropped, whole turns at a time.
 * <pre>{@code
 * ChatPrompt chat = ChatPrompt.forModel(dir, tokenizer, 1024);
 * RenderedPrompt p = chat.render(List.of(ChatMessage.user("Hi!")), 200);  // p.ids() leave 200 tokens to reply
 * }</pre>
 */
public final class ChatPrompt {
    /** A template in its own file, as newer {@code transformers} versions save it. */
    static final String TEMPLATE_FILE = "chat_template.jinja";
    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    private static final List<String> SPECIAL_TOKEN_KEYS = List.of("bos_token", "eos_token", "unk_token", "pad_token");

    private final ChatTemplate template;
    private final Tokenizer tokenizer;
    private final int contextLength;

    private ChatPrompt(ChatTemplate template, Tokenizer tokenizer, int contextLength) {
        if (contextLength < 1) throw new IllegalArgumentException("contextLength must be >= 1, got " + contextLength);
        this.template = template;
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
    }

    /**
     * The template of a model folder: {@code chat_template.jinja}, else the {@code chat_template} of
     * {@code tokenizer_config.json} (a string, or a list of named templates of which {@code default} is used),
     * else the plain template.
     */
    public static ChatPrompt forModel(Path modelDir, Tokenizer tokenizer, int contextLength) throws IOException {
        Path config = modelDir.resolve(TOKENIZER_CONFIG);
        JsonNode json = null;
        if (Files.exists(config)) {
            try {
                json = new ObjectMapper().readTree(config.toFile());
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new UserException(config + ": not valid JSON (" + e.getOriginalMessage() + ")");
            }
        }
        String source = null;
        Path file = modelDir.resolve(TEMPLATE_FILE);
        if (Files.exists(file)) {
            source = Files.readString(file, StandardCharsets.UTF_8);
        } else if (json != null && json.hasNonNull("chat_template")) {
            source = templateSource(json.get("chat_template"), config);
        }
        if (source == null) return plain(tokenizer, contextLength);
        return jinja(source, specialTokens(json), tokenizer, contextLength);
    }

    /** The plain {@code User:} / {@code Assistant:} template. */
    public static ChatPrompt plain(Tokenizer tokenizer, int contextLength) {
        return new ChatPrompt(new PlainChatTemplate(), tokenizer, contextLength);
    }

    /** A Hugging Face Jinja chat template, with special tokens such as {@code bos_token} bound as variables. */
    public static ChatPrompt jinja(String source, Map<String, String> specialTokens, Tokenizer tokenizer, int contextLength) {
        return new ChatPrompt(new JinjaChatTemplate(source, specialTokens), tokenizer, contextLength);
    }

    private static String templateSource(JsonNode node, Path config) {
        if (node.isTextual()) return node.asText();
        if (node.isArray()) {
            for (JsonNode named : node) {
                if ("default".equals(named.path("name").asText())) return named.path("template").asText();
            }
        }
        throw new UserException(config + ": chat_template must be a string or a list with a template named 'default'");
    }

    /** {@code bos_token} etc. from tokenizer_config.json: a string, or an added-token object with {@code content}. */
    private static Map<String, String> specialTokens(JsonNode json) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : SPECIAL_TOKEN_KEYS) {
            JsonNode v = json == null ? null : json.get(key);
            if (v == null || v.isNull()) continue;
            out.put(key, v.isTextual() ? v.asText() : v.path("content").asText());
        }
        return out;
    }

    /** Strings that end the assistant's reply: {@code "\nUser:"} for the plain template; none for a Jinja template. */
    public List<String> stopStrings() {
        return template.stopStrings();
    }

    /**
     * Renders the conversation, leaving {@code reserveTokens} of the context for the reply. If it is too long, the
     * oldest turns after the system prompt are dropped (a turn starts at a user message, so the rest still starts
     * with one); the last turn is always kept, and if even it does not fit this throws {@link UserException}.
     * A conversation ending with an assistant message renders that reply unfinished, for the model to continue.
     */
    public RenderedPrompt render(List<ChatMessage> messages, int reserveTokens) {
        validate(messages);
        if (reserveTokens < 0) throw new IllegalArgumentException("reserveTokens must be >= 0, got " + reserveTokens);
        int budget = contextLength - reserveTokens;
        if (budget < 1) {
            throw new UserException("reserving " + reserveTokens + " tokens for the reply leaves no room for the prompt in the model's "
                    + contextLength + "-token context; ask for fewer tokens");
        }
        boolean hasSystem = messages.getFirst().role().equals("system");
        int first = hasSystem ? 1 : 0;
        int lastTurn = Math.max(first, messages.size() - 1);
        for (int i = messages.size() - 1; i >= first; i--) {
            if (messages.get(i).role().equals("user")) {
                lastTurn = i;
                break;
            }
        }
        boolean generationPrompt = !messages.getLast().role().equals("assistant");
        int lastLength = 0;
        for (int cut = first; cut <= lastTurn; cut++) {
            if (cut != first && cut != lastTurn && !messages.get(cut).role().equals("user")) continue;
            List<ChatMessage> kept = new ArrayList<>(messages.size());
            if (hasSystem) kept.add(messages.getFirst());
            kept.addAll(messages.subList(cut, messages.size()));
            String text = template.render(kept, generationPrompt);
            int[] ids = encode(text);
            if (ids.length <= budget) return new RenderedPrompt(text, ids, cut - first);
            lastLength = ids.length;
        }
        throw new UserException("the last message makes a " + lastLength + "-token prompt" + (hasSystem ? " with the system prompt" : "")
                + ", but the model's context is " + contextLength + " tokens and " + reserveTokens
                + " are kept for the reply; shorten the message" + (hasSystem ? " or the system prompt" : "") + " or ask for fewer tokens");
    }

    private int[] encode(String text) {
        if (text.isEmpty()) throw new UserException("the chat template rendered an empty prompt; give a non-empty message");
        if (template.parsesSpecialTokens() && tokenizer instanceof ByteLevelBpe bpe) return bpe.encodeWithSpecial(text, true);
        return tokenizer.encode(text);
    }

    private static void validate(List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) throw new UserException("messages is empty; give at least one user message");
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m == null) throw new UserException("message " + i + " is null; give a role and content");
            if (i > 0 && m.role().equals("system")) {
                throw new UserException("message " + i + " is a system message; only the first message may be the system prompt");
            }
        }
        if (messages.size() == 1 && messages.getFirst().role().equals("system")) {
            throw new UserException("messages hold only a system prompt; add a user message");
        }
    }
}
