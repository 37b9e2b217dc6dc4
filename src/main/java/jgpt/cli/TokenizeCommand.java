package jgpt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import jgpt.tokenizer.ByteLevelBpe;
import jgpt.tokenizer.MarianTokenizer;
import jgpt.tokenizer.SentencePieceTokenizer;
import jgpt.tokenizer.Tokenizer;
import jgpt.tokenizer.Tokenizers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gpt tokenize}: text to ids (a JSON array), ids back to text, or a token count. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a text as a JSON array (or decode ids, or count tokens).")
final class TokenizeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--tokenizer", defaultValue = "gpt2", paramLabel = "gpt2|DIR|FILE.model",
            description = "Tokenizer name, model folder or SentencePiece .model file (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--pieces", description = "Print the pieces (SentencePiece or Marian tokenizers) as a JSON array instead of the ids.")
    boolean pieces;

    @Option(names = "--allow-special", description = "Recognise <|endoftext|> in the text as the special token.")
    boolean allowSpecial;

    @Override
    public Integer call() throws IOException {
        Path dir = Path.of(tokenizerSpec);
        Tokenizer tok = Files.isDirectory(dir) ? Tokenizers.load(dir)
                : Files.isRegularFile(dir) ? Tokenizers.loadFile(dir) : Tokenizers.byName(tokenizerSpec);
        String text = input.text != null ? input.text : Files.readString(input.file);
        if (decode) {
            int[] ids = ScoreCommand.parseIds(text, input.file != null ? input.file.toString() : "--text");
            for (int id : ids) {
                if (id < 0 || id >= tok.vocabSize()) throw new jgpt.UserException("token id " + id + " is outside the vocabulary [0, " + tok.vocabSize() + ")");
            }
            System.out.println(tok.decode(ids));
            return 0;
        }
        if (pieces) {
            List<String> list = switch (tok) {
                case SentencePieceTokenizer sp -> sp.encodeAsPieces(text);
                case MarianTokenizer marian -> marian.tokenize(text);
                default -> throw new jgpt.UserException("--pieces needs a SentencePiece tokenizer (a .model file or a Marian folder)");
            };
            StringBuilder sb = new StringBuilder().append('[');
            for (int i = 0; i < list.size(); i++) sb.append(i == 0 ? "" : ", ").append(JSON.writeValueAsString(list.get(i)));
            System.out.println(sb.append(']'));
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
