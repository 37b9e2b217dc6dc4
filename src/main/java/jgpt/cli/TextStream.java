package jgpt.cli;

import jgpt.tokenizer.ByteLevelBpe;
import jgpt.tokenizer.StreamingDecoder;
import jgpt.tokenizer.Tokenizer;

/** Turns ids into printable text one at a time, holding back bytes of characters split across tokens. */
final class TextStream {
    private final Tokenizer tokenizer;
    private final StreamingDecoder bytes;

    TextStream(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.bytes = tokenizer instanceof ByteLevelBpe bpe ? bpe.streamingDecoder() : null;
    }

    String push(int id) { return bytes != null ? bytes.push(id) : tokenizer.decode(new int[] {id}); }

    String flush() { return bytes != null ? bytes.flush() : ""; }
}
