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
import jgpt.inspect.AttentionMaps;
import jgpt.inspect.HeatMapPng;
import jgpt.model.Gpt;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpt attention}: heat maps of the causal attention weights for a prompt. */
@Command(name = "attention", mixinStandardHelpOptions = true,
        description = {"Draw which tokens attend to which: one head (--layer and --head), all heads of a layer (--layer), or every layer and head.",
                "On an encoder-decoder (Marian) folder, --text translates the sentence and draws the decoder's cross-attention:"
                        + " generated target tokens against source tokens (--average: the mean of a layer's heads)."})
final class AttentionCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    PromptSource source;

    @Option(names = "--text", paramLabel = "TEXT", description = "Encoder-decoder folders: the source sentence to translate (--ids: source ids, eos included).")
    String text;

    @Option(names = "--beam", paramLabel = "N", description = "Encoder-decoder folders: beams for the translation (default: the folder's, else 1 = greedy).")
    Integer beam;

    @Option(names = "--average", description = "Encoder-decoder folders: draw the mean of the heads of --layer.")
    boolean average;

    @Option(names = "--layer", paramLabel = "L", description = "Layer, from 0 (default: all layers).")
    Integer layer;

    @Option(names = "--head", paramLabel = "H", description = "Head, from 0; needs --layer (default: all heads).")
    Integer head;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.png", description = "The PNG to write (optional with --json).")
    Path out;

    @Option(names = "--json", description = "Print the weights as one JSON document (the PNG is still written if --out is given).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (out == null && !json) throw new UserException("give --out FILE.png (or --json for the numbers)");
        if (out != null) PngOut.check(out);
        if (jgpt.translate.MarianConfig.isMarian(modelOptions.model)) return new CrossAttentionView(this).run();
        if (text != null || beam != null || average) {
            throw new UserException("--text, --beam and --average draw the cross-attention of an encoder-decoder (Marian) folder; "
                    + modelOptions.model + " is a GPT model: give --prompt or --ids");
        }
        if (source == null) throw new UserException("give --prompt TEXT or --ids");
        Gpt model = modelOptions.loadModel();
        var cfg = model.config();
        if (head != null && layer == null) throw new UserException("--head needs --layer (which layer's head " + head + "?)");
        if (layer != null && (layer < 0 || layer >= cfg.nLayer())) {
            throw new UserException("--layer " + layer + " is out of range: the model has layers 0.." + (cfg.nLayer() - 1));
        }
        if (head != null && (head < 0 || head >= cfg.nHead())) {
            throw new UserException("--head " + head + " is out of range: the model has heads 0.." + (cfg.nHead() - 1));
        }
        PromptSource.Prompt prompt = source.resolve(modelOptions, model);
        AttentionMaps maps = AttentionMaps.of(model, prompt.ids());
        int[] layers = layer != null ? new int[] {layer} : range(cfg.nLayer());
        int[] heads = head != null ? new int[] {head} : range(cfg.nHead());
        if (out != null) writePng(maps, prompt, layers, heads);
        if (json) System.out.println(toJson(maps, prompt, layers, heads));
        else report(maps, prompt, layers, heads);
        return 0;
    }

    private void writePng(AttentionMaps maps, PromptSource.Prompt prompt, int[] layers, int[] heads) throws Exception {
        int t = maps.tokens();
        List<String> labels = new ArrayList<>();
        for (int id : prompt.ids()) labels.add(PngOut.label(prompt.label(id)));
        boolean one = layers.length == 1 && heads.length == 1, allLayers = layers.length > 1;
        boolean ticks = one || (!allLayers && t <= 32);
        List<HeatMapPng.Map> panels = new ArrayList<>();
        for (int l : layers) {
            for (int h : heads) {
                String title = one ? "layer " + l + ", head " + h : allLayers ? "L" + l + " H" + h : "head " + h;
                panels.add(new HeatMapPng.Map(title, maps.map(l, h), t, t, ticks ? labels : null, ticks ? labels : null,
                        ticks ? "attends to (key)" : null, ticks ? "token (query)" : null));
            }
        }
        int columns = one ? 1 : allLayers ? heads.length : (int) Math.ceil(Math.sqrt(heads.length));
        int tile = one ? Math.clamp(300 + 26L * t, 560, 1400) : ticks ? Math.clamp(220 + 16L * t, 320, 720) : 220;
        String title = one ? "Attention of layer " + layers[0] + ", head " + heads[0]
                : allLayers ? "Attention of every head (rows: layers 0-" + (layers.length - 1) + ", columns: heads 0-" + (heads.length - 1) + ")"
                : "Attention of the " + heads.length + " heads of layer " + layers[0];
        String caption = "Row = a token, columns = the tokens it looks at (itself and earlier ones); each row sums to 1. "
                + "White = 0, dark blue = 1." + (ticks ? "" : "\nTokens, top to bottom and left to right: " + String.join(" ", labels));
        HeatMapPng.write(out, title, caption, panels, columns, one ? tile + 120 : tile, tile, one);
        System.err.printf(Locale.ROOT, "wrote %s (%d map%s of %d tokens)%n", out, panels.size(), panels.size() == 1 ? "" : "s", t);
    }

    /** The terminal view: for each position, the earlier token each selected head attends to most. */
    private static void report(AttentionMaps maps, PromptSource.Prompt prompt, int[] layers, int[] heads) {
        if (layers.length * heads.length > 1) {
            System.out.println("(the strongest link of every position is listed for one head: --layer L --head H; all weights: --json)");
            return;
        }
        int[] ids = prompt.ids();
        for (int l : layers) {
            for (int h : heads) {
                System.out.printf(Locale.ROOT, "layer %d, head %d: each token and the token it attends to most%n", l, h);
                for (int q = 0; q < ids.length; q++) {
                    int best = 0;
                    for (int k = 1; k <= q; k++) if (maps.weight(l, h, q, k) > maps.weight(l, h, q, best)) best = k;
                    System.out.printf(Locale.ROOT, "  %3d %-14s -> %3d %-14s %.3f%n", q, "\"" + prompt.label(ids[q]) + "\"",
                            best, "\"" + prompt.label(ids[best]) + "\"", maps.weight(l, h, q, best));
                }
            }
        }
    }

    static String toJson(AttentionMaps maps, PromptSource.Prompt prompt, int[] layers, int[] heads) throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ArrayNode tokens = root.putArray("tokens");
        for (int id : prompt.ids()) tokens.addObject().put("id", id).put("text", prompt.text(id));
        ArrayNode ls = root.putArray("layers");
        int t = maps.tokens();
        for (int l : layers) {
            ArrayNode hs = ls.addObject().put("layer", l).putArray("heads");
            for (int h : heads) {
                ArrayNode rows = hs.addObject().put("head", h).putArray("weights");
                for (int q = 0; q < t; q++) {
                    ArrayNode row = rows.addArray();
                    for (int k = 0; k < t; k++) row.add(maps.weight(l, h, q, k));
                }
            }
        }
        return m.writeValueAsString(root);
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}
