package jgpt.translate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import jgpt.UserException;
import jgpt.tokenizer.MarianTokenizer;
import jgpt.tokenizer.Tokenizer;
import jgpt.tokenizer.Tokenizers;

/**
 * Sentences to model ids and back for a translation model. Two kinds: one shared byte-level BPE vocabulary (trained
 * by {@code gpt train-translation}) whose end-of-text id is the model's eos, the pad id (also the decoder start)
 * being one more id after the tokenizer's own so it never occurs in text; or an opus-mt folder's
 * {@link MarianTokenizer} (source.spm → vocab.json ids, target ids → target.spm text), whose vocabulary holds
 * {@code </s>} and {@code <pad>} itself.
 */
public final class TranslationTokenizer {
    private final Tokenizer tokenizer;
    private final MarianTokenizer marian; // null for BPE

    public TranslationTokenizer(Tokenizer bpe) {
        if (bpe.endOfTextId() < 0) throw new UserException("the translation tokenizer needs an end-of-text token (eos)");
        this.tokenizer = bpe;
        this.marian = null;
    }

    private TranslationTokenizer(MarianTokenizer marian) {
        this.tokenizer = marian;
        this.marian = marian;
    }

    public static TranslationTokenizer of(MarianTokenizer marian) { return new TranslationTokenizer(marian); }

    /**
     * The tokenizer of a model folder: Marian's when it has SentencePiece files (or a vocab.json without BPE merges,
     * so a folder missing source.spm is named as such), else the BPE one {@code gpt train-translation} saved.
     */
    public static TranslationTokenizer load(Path dir) {
        boolean spm = Files.exists(dir.resolve(MarianTokenizer.SOURCE_SPM)) || Files.exists(dir.resolve(MarianTokenizer.TARGET_SPM));
        boolean bareVocab = Files.exists(dir.resolve(MarianTokenizer.VOCAB)) && !Files.exists(dir.resolve("merges.txt"))
                && !Files.exists(dir.resolve("tokenizer.json"));
        if (spm || bareVocab) return new TranslationTokenizer(MarianTokenizer.load(dir));
        return new TranslationTokenizer(Tokenizers.load(dir));
    }

    /** Fails (one error line) when the tokenizer's ids do not fit the model's embedding or its special ids differ. */
    public void checkMatches(MarianConfig cfg, Path dir) {
        if (modelVocabSize() > cfg.vocabSize()) {
            throw new UserException(dir + ": the tokenizer has " + modelVocabSize() + " ids but the model's embedding has "
                    + cfg.vocabSize() + " rows (config.json vocab_size); vocabulary and weights do not belong together");
        }
        if (marian != null && (marian.targetVocabSize() > cfg.vocabSize())) {
            throw new UserException(dir + ": target_vocab.json has " + marian.targetVocabSize() + " entries but the model predicts "
                    + cfg.vocabSize() + " ids");
        }
        if (eosId() != cfg.eosId() || padId() != cfg.padId()) {
            throw new UserException(dir + ": the tokenizer's eos/pad ids are " + eosId() + "/" + padId() + " but config.json says "
                    + cfg.eosId() + "/" + cfg.padId());
        }
    }

    public void save(Path dir) throws IOException { tokenizer.save(dir); }

    /** Ids the model needs: the tokenizer's (plus the pad id for BPE). */
    public int modelVocabSize() { return marian != null ? marian.vocabSize() : tokenizer.vocabSize() + 1; }

    public int padId() { return marian != null ? marian.padId() : tokenizer.vocabSize(); }

    public int eosId() { return marian != null ? marian.eosId() : tokenizer.endOfTextId(); }

    /** The text's ids without eos. */
    private int[] textIds(String text) {
        int[] ids = tokenizer.encode(text);
        return marian != null ? Arrays.copyOf(ids, ids.length - 1) : ids; // Marian appends </s> itself
    }

    /** Source or target ids: the text's tokens then eos, at most {@code maxTokens} in all (truncated before eos). */
    public int[] encode(String text, int maxTokens) {
        int[] ids = textIds(text);
        int n = Math.min(ids.length, maxTokens - 1);
        int[] out = Arrays.copyOf(ids, n + 1);
        out[n] = eosId();
        return out;
    }

    /** Number of text tokens (without eos). */
    public int count(String text) { return textIds(text).length; }

    /** Text of generated ids, skipping the decoder start/pad and stopping at eos. */
    public String decode(int[] ids) {
        int[] kept = new int[ids.length];
        int n = 0;
        for (int id : ids) {
            if (id == eosId()) break;
            if (id != padId()) kept[n++] = id;
        }
        return tokenizer.decode(Arrays.copyOf(kept, n));
    }
}
