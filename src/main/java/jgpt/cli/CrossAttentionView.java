package jgpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import jgpt.UserException;
import jgpt.inspect.CrossAttentionMaps;
import jgpt.inspect.HeatMapPng;
import jgpt.inspect.TokenText;
import jgpt.tokenizer.Tokenizer;
import jgpt.tokenizer.Tokenizers;
import jgpt.translate.BeamSearch;
import jgpt.translate.DecodingSettings;
import jgpt.translate.MarianCheckpoint;
import jgpt.translate.MarianConfig;
import jgpt.translate.MarianModel;
import jgpt.translate.TranslationTokenizer;

/**
 * {@code gpt attention} on an encoder-decoder folder: translates one sentence (greedy or beam search) and shows the
 * decoder's cross-attention of the translation, generated target tokens (rows) against source tokens (columns).
 */
final class CrossAttentionView {
    private final AttentionCommand cmd;

    CrossAttentionView(AttentionCommand cmd) { this.cmd = cmd; }

    int run() throws Exception {
        Path dir = cmd.modelOptions.model;
        if (cmd.source != null && cmd.source.text != null) {
            throw new UserException("--prompt is for GPT folders; " + dir + " is an encoder-decoder: give the source sentence with --text");
        }
        int[] givenIds = cmd.source == null ? null : cmd.source.ids;
        if ((cmd.text == null) == (givenIds == null)) throw new UserException("give the source sentence with --text (or its ids with --ids)");
        if (cmd.text != null && cmd.text.isBlank()) throw new UserException("--text is empty; give a sentence to translate");
        if (cmd.beam != null && cmd.beam < 1) throw new UserException("--beam must be >= 1, got " + cmd.beam);
        if (cmd.head != null && cmd.layer == null) throw new UserException("--head needs --layer (which layer's head " + cmd.head + "?)");
        if (cmd.average && (cmd.layer == null || cmd.head != null)) throw new UserException("--average needs --layer and no --head (it is the mean of that layer's heads)");
        MarianConfig cfg = MarianCheckpoint.readConfig(dir);
        if (cmd.layer != null && (cmd.layer < 0 || cmd.layer >= cfg.decoderLayers())) {
            throw new UserException("--layer " + cmd.layer + " is out of range: the decoder has layers 0.." + (cfg.decoderLayers() - 1));
        }
        if (cmd.head != null && (cmd.head < 0 || cmd.head >= cfg.decoderHeads())) {
            throw new UserException("--head " + cmd.head + " is out of range: the decoder has heads 0.." + (cfg.decoderHeads() - 1));
        }
        int[] source;
        Tokenizer labels = null;
        if (cmd.text != null) {
            TranslationTokenizer tok = TranslationTokenizer.load(dir);
            if (tok.count(cmd.text) + 1 > cfg.maxPositions()) {
                System.err.printf(Locale.ROOT, "warning: the sentence is longer than the model's %d positions and was truncated%n", cfg.maxPositions());
            }
            source = tok.encode(cmd.text, cfg.maxPositions());
            labels = Tokenizers.load(dir);
        } else {
            source = givenIds;
            if (source.length == 0) throw new UserException("--ids is empty");
            if (source.length > cfg.maxPositions()) throw new UserException("--ids has " + source.length + " tokens but the model has " + cfg.maxPositions() + " positions");
            for (int id : source) {
                if (id < 0 || id >= cfg.vocabSize()) throw new UserException("token id " + id + " is outside the model's vocabulary [0, " + cfg.vocabSize() + ")");
            }
            try {
                labels = Tokenizers.load(dir);
            } catch (UserException noTokenizer) {
                labels = null; // ids are shown as #id
            }
        }
        MarianModel model = MarianCheckpoint.load(dir, false);
        DecodingSettings st = DecodingSettings.of(dir, cfg);
        if (cmd.beam != null) st = st.withBeams(cmd.beam);
        int[] decoded = BeamSearch.translate(model, new int[][] {source}, st).get(0);
        if (decoded.length < 2) throw new UserException("the translation has no tokens (max_length " + st.maxLength() + ")");
        CrossAttentionMaps maps = CrossAttentionMaps.of(model, source, decoded);
        int[] target = Arrays.copyOfRange(decoded, 1, decoded.length);
        String translation = labels == null ? null : TranslationTokenizer.load(dir).decode(decoded); // null: no tokenizer
        int[] layers = cmd.layer != null ? new int[] {cmd.layer} : AttentionCommand.range(cfg.decoderLayers());
        int[] heads = cmd.head != null ? new int[] {cmd.head} : AttentionCommand.range(cfg.decoderHeads());
        Labels lab = new Labels(labels, cfg);
        if (cmd.out != null) writePng(maps, lab, source, target, translation, layers, heads, st.beams());
        if (cmd.json) System.out.println(toJson(maps, lab, source, target, translation, layers, heads));
        else report(maps, lab, source, target, translation, layers, heads);
        return 0;
    }

    /** Token labels: the folder's tokenizer where it has the id, else {@code #id}; the pad/start id has no text. */
    record Labels(Tokenizer tokenizer, MarianConfig cfg) {
        String text(int id) {
            return tokenizer == null || id >= tokenizer.vocabSize() ? "#" + id : TokenText.of(tokenizer, id);
        }

        String label(int id) {
            return tokenizer == null || id >= tokenizer.vocabSize() ? "#" + id : PngOut.label(TokenText.label(tokenizer, id));
        }
    }

    /** Tile size of one labelled map with {@code s} source columns and {@code t} target rows: {width, height}. */
    static int[] singleTile(int s, int t) {
        return new int[] {Math.clamp(300 + 26L * s, 560, 1400) + 120, Math.clamp(300 + 26L * t, 560, 1400)};
    }

    private void writePng(CrossAttentionMaps maps, Labels lab, int[] source, int[] target, String translation,
                          int[] layers, int[] heads, int beams) throws Exception {
        int s = source.length, t = target.length;
        List<String> cols = new ArrayList<>(), rows = new ArrayList<>();
        for (int id : source) cols.add(lab.label(id));
        for (int id : target) rows.add(lab.label(id));
        boolean one = cmd.average || (layers.length == 1 && heads.length == 1), allLayers = layers.length > 1;
        boolean ticks = one || (!allLayers && Math.max(s, t) <= 32);
        String colAxis = ticks ? "source token" : null, rowAxis = ticks ? "generated token" : null;
        List<HeatMapPng.Map> panels = new ArrayList<>();
        String title;
        if (cmd.average) {
            title = "Cross-attention of layer " + layers[0] + ", mean of its " + maps.heads() + " heads";
            panels.add(new HeatMapPng.Map("layer " + layers[0] + ", head average", maps.headAverage(layers[0]), t, s, rows, cols, colAxis, rowAxis));
        } else {
            for (int l : layers) {
                for (int h : heads) {
                    String name = one ? "layer " + l + ", head " + h : allLayers ? "L" + l + " H" + h : "head " + h;
                    panels.add(new HeatMapPng.Map(name, maps.map(l, h), t, s, ticks ? rows : null, ticks ? cols : null, colAxis, rowAxis));
                }
            }
            title = one ? "Cross-attention of layer " + layers[0] + ", head " + heads[0]
                    : allLayers ? "Cross-attention of every head (rows: layers 0-" + (layers.length - 1) + ", columns: heads 0-" + (heads.length - 1) + ")"
                    : "Cross-attention of the " + heads.length + " heads of layer " + layers[0];
        }
        int columns = one ? 1 : allLayers ? heads.length : (int) Math.ceil(Math.sqrt(heads.length));
        int[] tile = one ? singleTile(s, t) : ticks ? new int[] {Math.clamp(220 + 16L * s, 320, 720), Math.clamp(220 + 16L * t, 320, 720)} : new int[] {220, 220};
        String caption = "Rows: generated tokens, columns: source tokens; each row sums to 1 (white = 0, dark blue = 1)."
                + "\n" + (beams == 1 ? "Greedy" : "Beam search (" + beams + " beams)") + ": "
                + (translation == null ? String.join(" ", rows) : translation)
                + (ticks ? "" : "   Source: " + String.join(" ", cols));
        HeatMapPng.write(cmd.out, title, caption, panels, columns, tile[0], tile[1], one);
        System.err.printf(Locale.ROOT, "wrote %s (%d map%s, %d target x %d source tokens)%n", cmd.out, panels.size(), panels.size() == 1 ? "" : "s", t, s);
    }

    /** The terminal view: the translation, then for one head or a head average the source token each target token reads most. */
    private void report(CrossAttentionMaps maps, Labels lab, int[] source, int[] target, String translation, int[] layers, int[] heads) {
        System.out.println("translation: " + (translation == null ? Arrays.toString(target) + " (no tokenizer in the folder)" : translation));
        if (!cmd.average && layers.length * heads.length > 1) {
            System.out.println("(the strongest source token of every target token is listed for one head: --layer L --head H, or --layer L --average; all weights: --json)");
            return;
        }
        int l = layers[0];
        float[] w = cmd.average ? maps.headAverage(l) : maps.map(l, heads[0]);
        System.out.printf(Locale.ROOT, "layer %d, %s: each generated token and the source token it attends to most%n", l,
                cmd.average ? "mean of " + maps.heads() + " heads" : "head " + heads[0]);
        for (int i = 0; i < target.length; i++) {
            int best = 0;
            for (int j = 1; j < source.length; j++) if (w[i * source.length + j] > w[i * source.length + best]) best = j;
            System.out.printf(Locale.ROOT, "  %3d %-14s -> %3d %-14s %.3f%n", i, "\"" + lab.label(target[i]) + "\"", best,
                    "\"" + lab.label(source[best]) + "\"", w[i * source.length + best]);
        }
    }

    static String toJson(CrossAttentionMaps maps, Labels lab, int[] source, int[] target, String translation, int[] layers, int[] heads)
            throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ArrayNode src = root.putArray("source_tokens"), tgt = root.putArray("target_tokens");
        for (int id : source) src.addObject().put("id", id).put("text", lab.text(id));
        for (int id : target) tgt.addObject().put("id", id).put("text", lab.text(id));
        root.put("translation", translation);
        ArrayNode ls = root.putArray("layers");
        for (int l : layers) {
            ObjectNode layer = ls.addObject().put("layer", l);
            ArrayNode hs = layer.putArray("heads");
            for (int h : heads) rows(hs.addObject().put("head", h).putArray("weights"), maps.map(l, h), target.length, source.length);
            if (heads.length == maps.heads()) rows(layer.putArray("head_average"), maps.headAverage(l), target.length, source.length);
        }
        return m.writeValueAsString(root);
    }

    private static void rows(ArrayNode out, float[] w, int t, int s) {
        for (int i = 0; i < t; i++) {
            ArrayNode row = out.addArray();
            for (int j = 0; j < s; j++) row.add(w[i * s + j]);
        }
    }
}
