package jgpt.chat;

import java.util.List;

/** Turns a conversation into prompt text: Hugging Face's Jinja convention, or the plain fallback. */
sealed interface ChatTemplate permits JinjaChatTemplate, PlainChatTemplate {
    /**
     * @param addGenerationPrompt end with the cue for the assistant's reply (false when the last message is the
     *                            assistant's own unfinished reply, to be continued)
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /** Text after which generation must stop (the template's next-turn marker). */
    List<String> stopStrings();

    /** Whether special-token text in the rendered prompt (e.g. {@code <|endoftext|>}) becomes the special id. */
    boolean parsesSpecialTokens();
}
