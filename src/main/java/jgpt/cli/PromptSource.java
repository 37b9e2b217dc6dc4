package jgpt.cli;

import jgpt.UserException;
import jgpt.inspect.TokenText;
import jgpt.model.Gpt;
import jgpt.tokenizer.Tokenizer;
import picocli.CommandLine.Option;

/** The --prompt TEXT | --ids 1,2,3 choice of the inspection commands, checked against the model. */
final class PromptSource {
    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "The prompt text (needs the model folder's tokenizer).")
    String text;

    @Option(names = "--ids", split = ",", paramLabel = "ID", description = "The prompt as token ids, e.g. 464,3290,318.")
    int[] ids;

    /** The prompt's ids and the tokenizer that labels them (null when ids were given and the folder has none). */
    record Prompt(int[] ids, Tokenizer tokenizer) {
        /** A token's exact text on one line, or {@code #id} without a tokenizer. */
        String label(int id) { return tokenizer == null ? "#" + id : TokenText.label(tokenizer, id); }

        /** A token's exact text, or {@code #id} without a tokenizer. */
        String text(int id) { return tokenizer == null ? "#" + id : TokenText.of(tokenizer, id); }
    }

    Prompt resolve(ModelOptions options, Gpt model) {
        Tokenizer tokenizer;
        int[] tokens;
        if (text != null) {
            tokenizer = options.loadTokenizer(model); // a folder without a tokenizer is a user error here
            if (text.isEmpty()) throw new UserException("--prompt is empty; give at least one character");
            tokens = tokenizer.encode(text);
        } else {
            tokens = ids;
            tokenizer = hasTokenizer(options) ? options.loadTokenizer(model) : null;
        }
        int vocab = model.config().vocabSize(), context = model.config().blockSize();
        if (tokens.length == 0) throw new UserException("the prompt has no tokens; give at least one");
        if (tokens.length > context) {
            throw new UserException("the prompt is " + tokens.length + " tokens but the model's context is " + context + "; shorten the prompt");
        }
        for (int id : tokens) {
            if (id < 0 || id >= vocab) throw new UserException("token id " + id + " is outside the model's vocabulary [0, " + vocab + ")");
        }
        return new Prompt(tokens, tokenizer);
    }

    private static boolean hasTokenizer(ModelOptions options) {
        try (var files = java.nio.file.Files.list(options.model)) {
            return files.map(p -> p.getFileName().toString()).anyMatch(n -> n.equals("tokenizer.json")
                    || n.equals("vocab.json") || n.equals(jgpt.tokenizer.CharTokenizer.FILE));
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
