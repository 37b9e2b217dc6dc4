package jgpt.translate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Translates sentences in batches: sources sorted by length (so a batch pads little), decoded with
 * {@link BeamSearch}, results returned in input order. Empty sentences translate to empty strings.
 */
public final class Translator {
    private final MarianModel model;
    private final TranslationTokenizer tokenizer;

    public Translator(MarianModel model, TranslationTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** Called with the number of sentences longer than the model's positions (truncated). */
    public interface TruncationListener { void truncated(int sentences, int maxTokens); }

    public List<String> translate(List<String> sentences, DecodingSettings settings, int batch, TruncationListener onTruncate) {
        int n = sentences.size(), maxSource = model.config().maxPositions();
        int[][] ids = new int[n][];
        int truncated = 0;
        for (int i = 0; i < n; i++) {
            if (sentences.get(i).isBlank()) continue;
            if (tokenizer.count(sentences.get(i)) + 1 > maxSource) truncated++;
            ids[i] = tokenizer.encode(sentences.get(i), maxSource);
        }
        if (truncated > 0 && onTruncate != null) onTruncate.truncated(truncated, maxSource);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(ids[a] == null ? 0 : ids[a].length, ids[b] == null ? 0 : ids[b].length));
        String[] out = new String[n];
        List<Integer> chunk = new ArrayList<>();
        for (int k = 0; k <= n; k++) {
            if (k < n && ids[order[k]] == null) {
                out[order[k]] = "";
                continue;
            }
            if (k < n) chunk.add(order[k]);
            if (chunk.size() == batch || (k == n && !chunk.isEmpty())) {
                int[][] src = new int[chunk.size()][];
                for (int j = 0; j < src.length; j++) src[j] = ids[chunk.get(j)];
                List<int[]> result = BeamSearch.translate(model, src, settings);
                for (int j = 0; j < src.length; j++) out[chunk.get(j)] = tokenizer.decode(result.get(j));
                chunk.clear();
            }
        }
        return Arrays.asList(out);
    }
}
