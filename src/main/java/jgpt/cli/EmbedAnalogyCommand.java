package jgpt.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gpt embed analogy A B C}: the tokens nearest to A - B + C (king man woman: king - man + woman). */
@Command(name = "analogy", mixinStandardHelpOptions = true,
        description = "Tokens nearest to A - B + C, e.g. 'king man woman' asks king - man + woman (word2vec/gensim convention: unit vectors, cosine, the three words excluded).")
final class EmbedAnalogyCommand implements Callable<Integer> {
    @Mixin EmbedCommand.Options options;

    @Parameters(index = "0", paramLabel = "A") String a;
    @Parameters(index = "1", paramLabel = "B") String b;
    @Parameters(index = "2", paramLabel = "C") String c;

    @Option(names = "--top", defaultValue = "10", description = "How many tokens (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() {
        EmbedCommand.checkTop(top);
        var geometry = options.geometry();
        var wa = geometry.word(a);
        var wb = geometry.word(b);
        var wc = geometry.word(c);
        var matches = geometry.analogy(wa, wb, wc, top);
        if (options.json) {
            EmbedCommand.printJson(EmbedCommand.ordered("query", EmbedCommand.queryJson(List.of(wa, wb, wc)), "results", EmbedCommand.matchesJson(matches)));
            return 0;
        }
        for (var w : List.of(wa, wb, wc)) System.out.println(w.describe());
        System.out.println("nearest tokens to " + a + " - " + b + " + " + c + " (cosine, the three words excluded):");
        EmbedCommand.printMatches(System.out, matches);
        return 0;
    }
}
