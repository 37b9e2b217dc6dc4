package jgpt.translate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jgpt.UserException;
import jgpt.tokenizer.Tokenizer;
import jgpt.tokenizer.Tokenizers;

/**
 * Sentences to model ids and back for a translation model: one shared byte-level BPE vocabulary (trained by
 * {@code gpt train-translation}) whose end-of-text id is the model's eos; the pad id (also the decoder start) is
 * one more id after the tokenizer's own, so it never occurs in text.
 */
public final class TranslationTokenizer {
    private final Tokenizer bpe;

    public TranslationTokenizer(Tokenizer bpe) {
        if (bpe.endOfTextId() < 0) throw new UserException("the translation tokenizer needs an end-of-text token (eos)");
        this.bpe = bpe;
    }

    /** The tokenizer of a model folder; SentencePiece (opus-mt) folders need the Marian SentencePiece tokenizer. */
    public static TranslationTokenizer load(Path dir) {
        if (Files.exists(dir.resolve("source.spm"))) {
            throw new UserException(dir + " uses SentencePiece (source.spm/target.spm); this build reads byte-level BPE translation"
                    + " tokenizers only (models trained by 'gpt train-translation')");
        }
        return new TranslationTokenizer(Tokenizers.load(dir));
    }

    public void save(Path dir) throws IOException { bpe.save(dir); }

    /** Ids the model needs: the tokenizer's plus the pad id. */
    public int modelVocabSize() { return bpe.vocabSize() + 1; }

    public int padId() { return bpe.vocabSize(); }

    public int eosId() { return bpe.endOfTextId(); }

    /** Source or target ids: the text's tokens then eos, at most {@code maxTokens} in all (truncated before eos). */
    public int[] encode(String text, int maxTokens) {
        int[] ids = bpe.encode(text);
        int n = Math.min(ids.length, maxTokens - 1);
        int[] out = java.util.Arrays.copyOf(ids, n + 1);
        out[n] = eosId();
        return out;
    }

    /** Number of text tokens (without eos). */
    public int count(String text) { return bpe.encode(text).length; }

    /** Text of generated ids, skipping the decoder start/pad and stopping at eos. */
    public String decode(int[] ids) {
        int[] kept = new int[ids.length];
        int n = 0;
        for (int id : ids) {
            if (id == eosId()) break;
            if (id != padId()) kept[n++] = id;
        }
        return bpe.decode(java.util.Arrays.copyOf(kept, n));
    }
}
