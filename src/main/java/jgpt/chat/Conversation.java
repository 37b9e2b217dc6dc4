package jgpt.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * The state of a chat: an optional system prompt and the user/assistant turns so far.
 * <pre>{@code
 * var c = new Conversation("Be brief.");  c.add(ChatMessage.user("Hi"));  chat.render(c.messages(), 200);
 * }</pre>
 */
public final class Conversation {
    private String system;
    private final List<ChatMessage> turns = new ArrayList<>();

    /** @param system the system prompt; empty for none */
    public Conversation(String system) {
        setSystem(system);
    }

    public String system() {
        return system;
    }

    /** Replaces the system prompt (empty for none); the turns stay. */
    public void setSystem(String system) {
        this.system = system == null ? "" : system.strip();
    }

    public void add(ChatMessage message) {
        if (message.role().equals("system")) throw new IllegalArgumentException("use setSystem for the system prompt");
        turns.add(message);
    }

    /** Forgets the turns (the system prompt stays). */
    public void reset() {
        turns.clear();
    }

    /** Removes the newest turn (a user message whose reply failed). */
    public void removeLast() {
        turns.removeLast();
    }

    /** Forgets the {@code n} oldest turns (those a rendered prompt had to leave out). */
    public void dropOldest(int n) {
        turns.subList(0, Math.min(n, turns.size())).clear();
    }

    public int size() {
        return turns.size();
    }

    /** The system prompt (if any) followed by the turns, as {@link ChatPrompt#render} takes them. */
    public List<ChatMessage> messages() {
        List<ChatMessage> out = new ArrayList<>(turns.size() + 1);
        if (!system.isEmpty()) out.add(ChatMessage.system(system));
        out.addAll(turns);
        return out;
    }
}
