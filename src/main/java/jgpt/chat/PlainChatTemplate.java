package jgpt.chat;

import java.util.List;

/**
 * The template for models without a {@code chat_template}: the system text, a blank line, then one line per turn
 * ({@code User: ...} / {@code Assistant: ...}), ending with {@code Assistant:} for the model to continue.
 * A base model continuing such a transcript tends to write the user's next line itself, so generation stops at
 * {@code "\nUser:"}.
 * <pre>
 * You are a helpful assistant.
 *
 * User: Hello!
 * Assistant: Hi, how can I help?
 * User: Tell me a joke.
 * Assistant:
 * </pre>
 */
final class PlainChatTemplate implements ChatTemplate {
    static final String USER = "User:";
    static final String ASSISTANT = "Assistant:";

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            boolean last = i == messages.size() - 1;
            switch (m.role()) {
                case "system" -> sb.append(m.content().strip()).append("\n\n");
                case "user" -> sb.append(USER).append(' ').append(m.content().strip()).append('\n');
                // an unfinished last reply is continued exactly where it stops
                default -> sb.append(ASSISTANT).append(' ').append(last && !addGenerationPrompt ? m.content() : m.content().strip() + "\n");
            }
        }
        if (addGenerationPrompt) sb.append(ASSISTANT);
        return sb.toString();
    }

    @Override
    public List<String> stopStrings() {
        return List.of("\n" + USER);
    }

    @Override
    public boolean parsesSpecialTokens() {
        return false;
    }
}
