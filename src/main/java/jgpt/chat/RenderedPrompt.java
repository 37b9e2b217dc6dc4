package jgpt.chat;

/**
 * A conversation turned into the model's prompt.
 *
 * @param text            the rendered prompt
 * @param ids             its token ids (what the model is fed)
 * @param droppedMessages how many of the oldest messages after the system prompt were left out to fit the context
 */
public record RenderedPrompt(String text, int[] ids, int droppedMessages) {
}
