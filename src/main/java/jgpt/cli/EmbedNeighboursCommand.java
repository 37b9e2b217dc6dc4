package jgpt.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gpt embed neighbours}: the tokens nearest to a word by cosine similarity. */
@Command(name = "neighbours", aliases = "neighbors", mixinStandardHelpOptions = true,
        description = "Nearest tokens to a word by cosine similarity of their embeddings (the word itself excluded).")
final class EmbedNeighboursCommand implements Callable<Integer> {
    @Mixin EmbedCommand.Options options;

    @Parameters(index = "0", paramLabel = "WORD", description = "A word (looked up with its leading space first, as in running text).")
    String word;

    @Option(names = "--top", defaultValue = "10", description = "How many tokens (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() {
        EmbedCommand.checkTop(top);
        var geometry = options.geometry();
        var w = geometry.word(word);
        var matches = geometry.neighbours(w, top);
        if (options.json) {
            EmbedCommand.printJson(EmbedCommand.ordered("query", EmbedCommand.queryJson(List.of(w)), "results", EmbedCommand.matchesJson(matches)));
            return 0;
        }
        System.out.println(w.describe());
        System.out.println("nearest tokens by cosine similarity:");
        EmbedCommand.printMatches(System.out, matches);
        return 0;
    }
}
