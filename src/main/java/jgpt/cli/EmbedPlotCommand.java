package jgpt.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.inspect.embed.CommonWords;
import jgpt.inspect.embed.Pca;
import jgpt.inspect.embed.TokenEmbeddings;
import jgpt.inspect.embed.Tsne;
import jgpt.inspect.embed.WordLookup;
import jgpt.inspect.embed.WordVector;
import jgpt.inspect.plot.Png;
import jgpt.inspect.plot.ScatterChart;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpt embed plot}: a labelled 2-D scatter plot of word embeddings, by PCA or t-SNE. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "2-D scatter plot of embeddings with labels (PCA or t-SNE), written as PNG.")
final class EmbedPlotCommand implements Callable<Integer> {
    @Mixin EmbedCommand.Options options;

    static final class Selection {
        @Option(names = "--words", split = ",", paramLabel = "a,b,c", description = "Words to plot, comma-separated.")
        List<String> words;

        @Option(names = "--top", paramLabel = "N",
                description = "Plot the first N word tokens of the vocabulary (for BPE: the earliest merges, roughly the most frequent words).")
        Integer top;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Selection selection;

    @Option(names = "--method", defaultValue = "pca", paramLabel = "pca|tsne", description = "Projection (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "The PNG to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "1337", description = "Random seed of t-SNE (default: ${DEFAULT-VALUE}).")
    long seed;

    static final int WIDTH = 1200, HEIGHT = 900;

    @Override
    public Integer call() throws IOException {
        String m = method.toLowerCase(Locale.ROOT);
        if (!m.equals("pca") && !m.equals("tsne")) throw new UserException("--method must be pca or tsne, got '" + method + "'");
        if (selection.top != null) EmbedCommand.checkTop(selection.top);
        Png.checkWritable(out);
        TokenEmbeddings emb = TokenEmbeddings.load(options.model);
        List<String> labels = new ArrayList<>();
        List<Boolean> averaged = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        if (selection.words != null) {
            WordLookup lookup = new WordLookup(emb);
            for (String w : selection.words) {
                if (w.isBlank()) throw new UserException("--words has an empty word; separate words with single commas");
                WordVector v = lookup.find(w.strip());
                labels.add(v.word());
                averaged.add(v.averaged());
                vectors.add(v.vector());
            }
        } else {
            for (int id : CommonWords.firstWordIds(emb, selection.top)) {
                labels.add(emb.text(id).strip());
                averaged.add(false);
                vectors.add(emb.row(id));
            }
        }
        if (vectors.size() < 2) throw new UserException("a plot needs at least 2 words, got " + vectors.size());
        float[][] points = vectors.toArray(float[][]::new);
        if (m.equals("tsne") && points.length >= Tsne.MIN_POINTS && points.length < Tsne.RELIABLE_POINTS) {
            System.err.println("warning: t-SNE of fewer than " + Tsne.RELIABLE_POINTS + " points can place a point far off; PCA suits small word lists better");
        }
        double[][] xy = m.equals("pca") ? Pca.project(points, 2) : Tsne.project(points, seed);
        List<ScatterChart.Point> pts = new ArrayList<>();
        for (int i = 0; i < xy.length; i++) pts.add(new ScatterChart.Point(labels.get(i) + (averaged.get(i) ? "*" : ""), xy[i][0], xy[i][1]));
        String title = (m.equals("pca") ? "PCA" : "t-SNE") + " of " + pts.size() + " token embeddings: " + options.model.toAbsolutePath().normalize().getFileName();
        String axis = m.equals("pca") ? "principal component " : "t-SNE ";
        Png.write(ScatterChart.of(title, axis + "1", axis + "2", pts, WIDTH, HEIGHT), out);
        if (options.json) {
            List<Object> rows = new ArrayList<>();
            for (int i = 0; i < pts.size(); i++) {
                rows.add(EmbedCommand.ordered("text", labels.get(i), "x", xy[i][0], "y", xy[i][1], "averaged", averaged.get(i)));
            }
            EmbedCommand.printJson(EmbedCommand.ordered("method", m, "points", rows));
            return 0;
        }
        boolean anyAveraged = averaged.contains(true);
        System.out.printf(Locale.ROOT, "%s: %d points (%s) written to %s%n", m.equals("pca") ? "PCA" : "t-SNE", pts.size(),
                pts.size() <= 12 ? String.join(", ", labels) : labels.getFirst() + ", ..., " + labels.getLast(), out);
        if (anyAveraged) System.out.println("* = a word of several tokens, plotted at the average of their embeddings");
        return 0;
    }
}
