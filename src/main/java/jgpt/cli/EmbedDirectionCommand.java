package jgpt.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.inspect.embed.EmbeddingGeometry;
import jgpt.inspect.embed.WordVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpt embed direction --from cat --to cats --probe one,two}: probes projected on a difference vector. */
@Command(name = "direction", mixinStandardHelpOptions = true,
        description = "Dot product of each probe word's embedding with the direction (to - from), sorted, as a bar chart.")
final class EmbedDirectionCommand implements Callable<Integer> {
    @Mixin EmbedCommand.Options options;

    @Option(names = "--from", required = true, paramLabel = "WORD") String from;
    @Option(names = "--to", required = true, paramLabel = "WORD") String to;
    @Option(names = "--probe", required = true, split = ",", paramLabel = "WORD,WORD,...",
            description = "Words to project, comma-separated, e.g. one,two,three,four.")
    List<String> probes;

    /** Characters on each side of the zero line. */
    static final int HALF_BAR = 24;

    @Override
    public Integer call() {
        var geometry = options.geometry();
        WordVector f = geometry.word(from), t = geometry.word(to);
        List<WordVector> ps = new ArrayList<>();
        for (String p : probes) {
            if (p.isBlank()) throw new UserException("--probe has an empty word; separate words with single commas");
            ps.add(geometry.word(p.strip()));
        }
        var results = geometry.direction(f, t, ps);
        if (options.json) {
            List<Object> rows = new ArrayList<>();
            for (var r : results) rows.add(EmbedCommand.ordered("text", r.probe().word(), "dot", r.dot(), "averaged", r.probe().averaged()));
            EmbedCommand.printJson(EmbedCommand.ordered("query", EmbedCommand.queryJson(List.of(f, t)), "results", rows));
            return 0;
        }
        System.out.println(f.describe());
        System.out.println(t.describe());
        for (WordVector p : ps) if (p.averaged()) System.out.println(p.describe());
        System.out.println("probe · (" + to + " - " + from + "), largest first:");
        printBars(results);
        return 0;
    }

    private static void printBars(List<EmbeddingGeometry.Projection> results) {
        double max = 1e-12;
        int width = 4;
        for (var r : results) {
            max = Math.max(max, Math.abs(r.dot()));
            width = Math.max(width, r.probe().word().length());
        }
        for (var r : results) {
            int n = (int) Math.round(Math.abs(r.dot()) / max * HALF_BAR);
            String left = r.dot() < 0 ? " ".repeat(HALF_BAR - n) + "█".repeat(n) : " ".repeat(HALF_BAR);
            String right = r.dot() > 0 ? "█".repeat(n) : "";
            System.out.printf(Locale.ROOT, "  %-" + width + "s %9.4f  %s│%s%n", r.probe().word(), r.dot(), left, right);
        }
    }
}
