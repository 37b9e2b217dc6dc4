package jgpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.inspect.ParamTally;
import jgpt.io.ModelFolder;
import jgpt.model.GptConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gpt params}: the GPT-3-style tally of a preset's or a model folder's weights by matrix category. */
@Command(name = "params", mixinStandardHelpOptions = true,
        description = "Count a model's weights by matrix category (Embedding, Key, Query, Value, Output, Up-, Down-projection, Unembedding).")
final class ParamsCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = "--preset", paramLabel = "NAME", description = "A named size: ${COMPLETION-CANDIDATES}.",
                completionCandidates = TrainCommand.Presets.class)
        String preset;
        @Option(names = {"-m", "--model"}, paramLabel = "DIR", description = "A model folder (only config.json is read).")
        Path model;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--vocab", paramLabel = "N", description = "Vocabulary size for --preset (default: 50257 for GPT presets, 65 for baby and small, Tiny Shakespeare's characters).")
    Integer vocab;

    @Option(names = "--json", description = "Print one JSON document instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ParamTally tally;
        String what;
        if (source.preset != null) {
            GptConfig.Preset p = GptConfig.presetNamed(source.preset);
            int v = vocab != null ? vocab : p.name().startsWith("gpt") ? 50257 : 65;
            if (v < 1) throw new UserException("--vocab must be >= 1, got " + v);
            tally = ParamTally.of(p, v);
            what = String.format(Locale.ROOT, "preset %s: %d layers, %d heads, %d wide, context %d, vocab %d",
                    p.name(), p.nLayer(), p.nHead(), p.nEmbd(), p.blockSize(), v);
        } else {
            if (vocab != null) throw new UserException("--vocab applies to --preset only; a model folder has its own vocabulary");
            GptConfig c = ModelFolder.readConfig(source.model);
            tally = ParamTally.of(c);
            what = String.format(Locale.ROOT, "%s: %d layers, %d heads, %d wide, context %d, vocab %d",
                    source.model, c.nLayer(), c.nHead(), c.nEmbd(), c.blockSize(), c.vocabSize());
        }
        System.out.print(json ? toJson(tally) : table(tally, what));
        return 0;
    }

    static String table(ParamTally t, String what) {
        StringBuilder sb = new StringBuilder();
        sb.append("Weights of ").append(what).append("\n\n");
        sb.append(String.format(Locale.ROOT, "%-18s %22s %10s %19s%n", "category", "one matrix", "matrices", "weights"));
        for (ParamTally.Category c : t.categories()) {
            sb.append(String.format(Locale.ROOT, "%-18s %22s %,10d %,19d%n", c.name(),
                    String.format(Locale.ROOT, "%,d × %,d", c.rows(), c.cols()), c.matrices(), c.weights()));
        }
        sb.append(String.format(Locale.ROOT, "%-18s %22s %,10d %,19d%n%n", "all eight", "", t.matrices(), t.categoryTotal()));
        for (ParamTally.Other o : t.other()) {
            sb.append(String.format(Locale.ROOT, "%-52s %,19d%n", o.name(), o.weights()));
        }
        sb.append(String.format(Locale.ROOT, "%n%-52s %,19d%n", t.tiedUnembedding()
                ? "Total (unembedding tied to the embedding: counted once)" : "Total", t.total()));
        return sb.toString();
    }

    static String toJson(ParamTally t) throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ArrayNode cats = root.putArray("categories");
        for (ParamTally.Category c : t.categories()) {
            ObjectNode n = cats.addObject().put("name", c.name());
            n.putArray("matrix_shape").add(c.rows()).add(c.cols());
            n.put("matrices", c.matrices()).put("weights", c.weights());
        }
        root.put("category_total", t.categoryTotal()).put("matrices", t.matrices());
        ArrayNode other = root.putArray("other");
        for (ParamTally.Other o : t.other()) other.addObject().put("name", o.name()).put("weights", o.weights());
        root.put("total", t.total()).put("tied_unembedding", t.tiedUnembedding());
        return m.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }
}
