package jgpt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.model.Gpt;
import jgpt.train.Evaluation;
import jgpt.train.TokenSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpt score}: mean next-token loss and perplexity of a text (or of token ids) under a model. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Mean cross-entropy loss and perplexity of a text file or a file of token ids under a model.")
final class ScoreCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    static final class Input {
        @Option(names = {"-f", "--file"}, paramLabel = "TEXT_FILE", description = "UTF-8 text, encoded with the model's tokenizer.")
        Path text;

        @Option(names = "--ids", paramLabel = "IDS_FILE", description = "Token ids: a JSON array or whitespace-separated integers.")
        Path ids;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Override
    public Integer call() throws IOException {
        Gpt model = modelOptions.loadModel();
        int[] ids;
        if (input.text != null) {
            ids = modelOptions.loadTokenizer(model).encode(Files.readString(input.text));
        } else {
            ids = parseIds(Files.readString(input.ids), input.ids.toString());
        }
        int vocab = model.config().vocabSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new UserException("token id " + ids[i] + " at position " + i + " is outside the model's vocabulary [0, " + vocab + ")");
            }
        }
        if (ids.length < 2) throw new UserException("need at least 2 tokens to score, got " + ids.length);
        Evaluation.Result r = Evaluation.meanLoss(model, TokenSource.of(ids), model.config().blockSize(),
                Math.max(1, 2048 / model.config().blockSize()), Long.MAX_VALUE);
        System.out.printf(Locale.ROOT, "tokens      %d%nmean loss   %.4f nats/token%nperplexity  %.3f%n",
                r.tokens(), r.meanLoss(), Math.exp(r.meanLoss()));
        return 0;
    }

    static int[] parseIds(String text, String label) {
        String body = text.strip();
        if (body.startsWith("[")) {
            if (!body.endsWith("]")) throw new UserException(label + ": a JSON array of ids must end with ']'");
            body = body.substring(1, body.length() - 1);
        }
        String[] parts = body.split("[\\s,]+");
        int n = 0;
        int[] ids = new int[parts.length];
        for (String p : parts) {
            if (p.isEmpty()) continue;
            try {
                ids[n++] = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new UserException(label + ": '" + p + "' is not a token id; give integers separated by spaces or a JSON array");
            }
        }
        return java.util.Arrays.copyOf(ids, n);
    }
}
