package jgpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.inspect.HeatMapPng;
import jgpt.inspect.LogitLens;
import jgpt.model.Gpt;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpt lens}: the logit lens, what each layer's residual stream already predicts at every position. */
@Command(name = "lens", mixinStandardHelpOptions = true,
        description = "Logit lens: the next token each layer would predict at every position (final layer norm and unembedding applied to the residual stream after that layer).")
final class LensCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptSource source;

    @Option(names = "--top", defaultValue = "1", paramLabel = "N", description = "Tokens shown per layer and position (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.png",
            description = "Also draw a heat map: per layer and position, the probability of the token the model finally predicts there.")
    Path out;

    @Option(names = "--json", description = "Print one JSON document instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (top < 1) throw new UserException("--top must be >= 1, got " + top);
        if (out != null) PngOut.check(out);
        Gpt model = modelOptions.loadModel();
        PromptSource.Prompt prompt = source.resolve(modelOptions, model);
        LogitLens lens = LogitLens.of(model, prompt.ids(), top);
        if (out != null) writePng(lens, prompt);
        System.out.print(json ? toJson(lens, prompt) : table(lens, prompt));
        return 0;
    }

    static String table(LogitLens lens, PromptSource.Prompt p) {
        int layers = lens.top().length;
        int[] ids = p.ids();
        StringBuilder sb = new StringBuilder();
        sb.append("Top next token read from the residual stream after each layer (probability); the last column is the model's prediction.\n\n");
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[layers + 2];
        header[0] = "pos";
        header[1] = "token";
        for (int l = 0; l < layers; l++) header[l + 2] = l == layers - 1 ? "layer " + l + " (output)" : "layer " + l;
        rows.add(header);
        for (int pos = 0; pos < ids.length; pos++) {
            String[] row = new String[layers + 2];
            row[0] = Integer.toString(pos);
            row[1] = "\"" + p.label(ids[pos]) + "\"";
            for (int l = 0; l < layers; l++) {
                StringBuilder cell = new StringBuilder();
                for (int k = 0; k < lens.top()[l][pos].length; k++) {
                    if (k > 0) cell.append("  ");
                    cell.append('"').append(p.label(lens.top()[l][pos][k])).append('"')
                            .append(String.format(Locale.ROOT, " %.2f", lens.topProbs()[l][pos][k]));
                }
                row[l + 2] = cell.toString();
            }
            rows.add(row);
        }
        int[] w = new int[layers + 2];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == 0 ? String.format("%" + w[i] + "s", r[i]) : String.format("  %-" + w[i] + "s", r[i]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    private void writePng(LogitLens lens, PromptSource.Prompt p) throws Exception {
        int layers = lens.top().length, t = p.ids().length;
        float[] values = new float[layers * t];
        for (int l = 0; l < layers; l++) for (int pos = 0; pos < t; pos++) values[l * t + pos] = lens.predictedProb()[l][pos];
        List<String> cols = new ArrayList<>(), rows = new ArrayList<>();
        for (int pos = 0; pos < t; pos++) {
            cols.add(PngOut.label(p.label(p.ids()[pos])) + " → " + PngOut.label(p.label(lens.predicted()[pos])));
        }
        for (int l = 0; l < layers; l++) rows.add(l == layers - 1 ? "layer " + l + " (output)" : "layer " + l);
        int width = Math.clamp(320 + 34L * t, 640, 2400), height = Math.clamp(300 + 30L * layers, 420, 1400);
        var map = new HeatMapPng.Map("probability of the final prediction", values, layers, t, rows, cols,
                "position: input token → token the model predicts next", "read after layer");
        HeatMapPng.write(out, "Logit lens", "Each cell: how likely the residual stream after that layer makes the token the model finally predicts "
                + "at that position.\nWhite = 0, dark blue = 1. The bottom row is the model's own output.", List.of(map), 1, width, height, true);
        System.err.printf(Locale.ROOT, "wrote %s (%d layers × %d positions)%n", out, layers, t);
    }

    static String toJson(LogitLens lens, PromptSource.Prompt p) throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ArrayNode tokens = root.putArray("tokens");
        for (int id : p.ids()) tokens.addObject().put("id", id).put("text", p.text(id));
        ArrayNode predicted = root.putArray("predicted");
        for (int id : lens.predicted()) predicted.addObject().put("id", id).put("text", p.text(id));
        ArrayNode layers = root.putArray("layers");
        for (int l = 0; l < lens.top().length; l++) {
            ArrayNode positions = layers.addObject().put("layer", l).putArray("positions");
            for (int pos = 0; pos < p.ids().length; pos++) {
                ObjectNode o = positions.addObject().put("position", pos).put("predicted_prob", lens.predictedProb()[l][pos]);
                ArrayNode topArr = o.putArray("top");
                for (int k = 0; k < lens.top()[l][pos].length; k++) {
                    int id = lens.top()[l][pos][k];
                    topArr.addObject().put("id", id).put("text", p.text(id)).put("prob", lens.topProbs()[l][pos][k]);
                }
            }
        }
        return m.writeValueAsString(root) + "\n";
    }
}
