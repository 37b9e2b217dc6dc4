package jgpt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import jgpt.tokenizer.ByteLevelBpe;
import jgpt.tokenizer.Tokenizer;
import jgpt.tokenizer.Tokenizers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gpt tokenize}: text to ids (a JSON array), ids back to text, or a token count. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a text as a JSON array (or decode ids, or count tokens).")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = "--tokenizer", defaultValue = "gpt2", paramLabel = "gpt2|DIR", description = "Tokenizer name or model folder (default: ${DEFAULT-VALUE}).")
    String tokenizerSpec;

    static final class Input {
        @Option(names = "--text", description = "The text (or, with --decode, the ids).") String text;
        @Option(names = {"-f", "--file"}, description = "Read the text (or ids) from this file.") Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--decode", description = "Input is ids (JSON array or whitespace-separated); print the text.")
    boolean decode;

    @Option(names = "--count", description = "Print only the number of tokens.")
    boolean count;

    @Option(names = "--allow-special", description = "Recognise <|endoftext|> in the text as the special token.")
    boolean allowSpecial;

    @Override
    public Integer call() throws IOException {
        Path dir = Path.of(tokenizerSpec);
        Tokenizer tok = Files.isDirectory(dir) ? Tokenizers.load(dir) : Tokenizers.byName(tokenizerSpec);
        String text = input.text != null ? input.text : Files.readString(input.file);
        if (decode) {
            int[] ids = ScoreCommand.parseIds(text, input.file != null ? input.file.toString() : "--text");
            for (int id : ids) {
                if (id < 0 || id >= tok.vocabSize()) throw new jgpt.UserException("token id " + id + " is outside the vocabulary [0, " + tok.vocabSize() + ")");
            }
            System.out.println(tok.decode(ids));
            return 0;
        }
        int[] ids = allowSpecial && tok instanceof ByteLevelBpe bpe ? bpe.encodeWithSpecial(text, true) : tok.encode(text);
        if (count) {
            System.out.println(ids.length);
            return 0;
        }
        StringBuilder sb = new StringBuilder(ids.length * 6).append('[');
        for (int i = 0; i < ids.length; i++) sb.append(i == 0 ? "" : ", ").append(ids[i]);
        System.out.println(sb.append(']'));
        return 0;
    }
}
