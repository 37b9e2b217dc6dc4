package jgpt.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Text to token ids and back.
 * <pre>{@code
 * int[] ids = tokenizer.encode("Hello world");
 * String text = tokenizer.decode(ids);
 * }</pre>
 */
public interface Tokenizer {
    /** Number of ids this tokenizer can produce (the model's vocab_size must be at least this). */
    int vocabSize();

    /** Encodes ordinary text; special tokens such as {@code <|endoftext|>} are treated as plain text. */
    int[] encode(String text);

    /** Decodes any id sequence; never throws for ids in [0, vocabSize). Invalid UTF-8 becomes U+FFFD. */
    String decode(int[] ids);

    /** Decodes one id (for streaming); may return a partial character's replacement for byte-level tokenizers. */
    default String decode(int id) {
        return decode(new int[] {id});
    }

    /**
     * A stateful decoder for printing ids one at a time; it only emits complete characters, so a
     * character whose UTF-8 bytes are split across tokens prints correctly.
     */
    default StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(id -> decode(id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The end-of-text id, or -1 when this tokenizer has none. */
    int endOfTextId();

    /** Writes this tokenizer's files into a model folder (e.g. vocab.json + merges.txt). */
    void save(Path modelDir) throws IOException;
}
