package jgpt.chat;

import java.util.Set;
import jgpt.UserException;

/**
 * One turn of a conversation, as in OpenAI's and Hugging Face's chat formats.
 * <pre>{@code
 * var turn = new ChatMessage("user", "Who are you?");
 * }</pre>
 *
 * @param role    {@code system}, {@code user} or {@code assistant}
 * @param content the text of the turn (may be empty, never null)
 */
public record ChatMessage(String role, String content) {
    /** The roles every chat template understands; others (tool calls, functions) are not supported. */
    public static final Set<String> ROLES = Set.of("system", "user", "assistant");

    public ChatMessage {
        if (role == null || !ROLES.contains(role)) {
            throw new UserException("message role must be one of system, user, assistant; got " + (role == null ? "none" : "'" + role + "'"));
        }
        if (content == null) throw new UserException("a " + role + " message has no content; give a string (it may be empty)");
    }

    public static ChatMessage system(String content) { return new ChatMessage("system", content); }

    public static ChatMessage user(String content) { return new ChatMessage("user", content); }

    public static ChatMessage assistant(String content) { return new ChatMessage("assistant", content); }
}
