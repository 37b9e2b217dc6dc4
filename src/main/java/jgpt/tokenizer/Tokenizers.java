package jgpt.tokenizer;

import jgpt.UserException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Finds a tokenizer: by name ({@code gpt2}) or from the files in a model folder
 * ({@code tokenizer.json}, else {@code vocab.json} + {@code merges.txt}, else {@code char_tokenizer.json}, else a
 * SentencePiece {@code tokenizer.model}; a Marian folder's {@code source.spm} + {@code vocab.json} before all but
 * tokenizer.json), or from a file ({@link #loadFile}).
 * <pre>{@code
 * Tokenizer gpt2 = Tokenizers.byName("gpt2");
 * Tokenizer tok = Tokenizers.load(Path.of("runs/shakespeare"));
 * }</pre>
 */
public final class Tokenizers {
    private Tokenizers() {}

    /** Built-in tokenizers: {@code gpt2} (alias {@code r50k_base}). */
    public static Tokenizer byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "gpt2", "gpt-2", "r50k_base" -> ByteLevelBpe.gpt2();
            default -> throw new UserException("unknown tokenizer '" + name + "'; built-in tokenizers: gpt2"
                    + " (or give a folder with tokenizer.json, vocab.json + merges.txt, or char_tokenizer.json)");
        };
    }

    /** Loads a tokenizer file: a SentencePiece model ({@code .model}, {@code .spm}) or a {@code tokenizer.json}. */
    public static Tokenizer loadFile(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".json")) return HfBpeFiles.loadTokenizerJson(file);
        return SentencePieceTokenizer.load(file);
    }

    /** Loads the tokenizer saved in {@code modelDir}; throws {@link UserException} when none is there. */
    public static Tokenizer load(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            throw new UserException(modelDir + " is not a folder; give the model folder that holds the tokenizer files");
        }
        Path tokenizerJson = modelDir.resolve(HfBpeFiles.TOKENIZER_JSON);
        Path vocab = modelDir.resolve(HfBpeFiles.VOCAB);
        Path merges = modelDir.resolve(HfBpeFiles.MERGES);
        Path chars = modelDir.resolve(CharTokenizer.FILE);
        if (Files.exists(tokenizerJson)) {
            return HfBpeFiles.loadTokenizerJson(tokenizerJson);
        }
        if (MarianTokenizer.isMarianFolder(modelDir)) {
            return MarianTokenizer.load(modelDir);
        }
        if (Files.exists(vocab) || Files.exists(merges)) {
            if (!Files.exists(merges)) {
                throw new UserException(modelDir + " has vocab.json but no merges.txt; copy both files of the tokenizer");
            }
            if (!Files.exists(vocab)) {
                throw new UserException(modelDir + " has merges.txt but no vocab.json; copy both files of the tokenizer");
            }
            return HfBpeFiles.loadVocabMerges(vocab, merges);
        }
        if (Files.exists(chars)) {
            return CharTokenizer.load(chars);
        }
        if (Files.exists(modelDir.resolve(SentencePieceTokenizer.FILE))) {
            return SentencePieceTokenizer.load(modelDir.resolve(SentencePieceTokenizer.FILE));
        }
        throw new UserException(modelDir + " holds no tokenizer (tokenizer.json, vocab.json + merges.txt, "
                + CharTokenizer.FILE + " or " + SentencePieceTokenizer.FILE + "); save the tokenizer there or use the built-in gpt2 tokenizer");
    }
}
