package jgpt.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.inspect.embed.EmbeddingGeometry;
import jgpt.inspect.embed.TokenEmbeddings;
import jgpt.inspect.embed.WordVector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gpt embed ...}: the geometry of the token embedding matrix (wte). */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Explore the token embedding matrix: neighbours, analogies, directions, 2-D plots.",
        subcommands = {EmbedNeighboursCommand.class, EmbedAnalogyCommand.class, EmbedDirectionCommand.class, EmbedPlotCommand.class})
final class EmbedCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: neighbours, analogy, direction or plot");
    }

    /** Options every embed subcommand takes. */
    static final class Options {
        @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR",
                description = "Model folder (model.safetensors + tokenizer files); only wte is read.")
        Path model;

        @Option(names = "--json", description = "Print one JSON document on stdout instead of the table.")
        boolean json;

        EmbeddingGeometry geometry() {
            return new EmbeddingGeometry(TokenEmbeddings.load(model));
        }
    }

    static void checkTop(int top) {
        if (top < 1) throw new UserException("--top must be at least 1, got " + top);
    }

    static final ObjectMapper JSON = new ObjectMapper();

    static void printJson(Object document) {
        try {
            System.out.println(JSON.writeValueAsString(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The query words as JSON: each word with the tokens it was read as. */
    static List<Map<String, Object>> queryJson(List<WordVector> words) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (WordVector w : words) {
            List<Map<String, Object>> tokens = new ArrayList<>();
            for (int i = 0; i < w.ids().length; i++) tokens.add(ordered("id", w.ids()[i], "text", w.tokens().get(i)));
            out.add(ordered("word", w.word(), "tokens", tokens, "averaged", w.averaged()));
        }
        return out;
    }

    static List<Map<String, Object>> matchesJson(List<EmbeddingGeometry.Match> matches) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (var m : matches) out.add(ordered("id", m.id(), "text", m.text(), "cosine", m.cosine()));
        return out;
    }

    static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    static void printMatches(PrintStream out, List<EmbeddingGeometry.Match> matches) {
        int width = 8;
        for (var m : matches) width = Math.max(width, quote(m.text()).length());
        for (int i = 0; i < matches.size(); i++) {
            var m = matches.get(i);
            out.printf(Locale.ROOT, "%4d  %-" + width + "s  %7.4f  (id %d)%n", i + 1, quote(m.text()), m.cosine(), m.id());
        }
    }

    static String quote(String text) {
        return "'" + text.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
    }
}
