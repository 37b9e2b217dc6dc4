package jgpt.cli;

import java.io.PrintStream;
import java.util.Locale;
import jgpt.generate.TokenListener;
import jgpt.tokenizer.Tokenizer;

/** Prints every chosen token with its probability and the most likely alternatives (for learners). */
final class DistributionPrinter implements TokenListener {
    private final Tokenizer tokenizer;
    private final PrintStream out;
    private final int k;
    private int index;

    DistributionPrinter(Tokenizer tokenizer, PrintStream out, int k) {
        this.tokenizer = tokenizer;
        this.out = out;
        this.k = Math.max(0, k);
    }

    @Override
    public void onToken(int token, float probability, float[] dist) {
        int[] top = topIds(dist, k);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%4d  %-14s p=%.4f  |", index++, quote(token), probability));
        for (int id : top) sb.append(String.format(Locale.ROOT, "  %s %.3f", quote(id), dist[id]));
        out.println(sb);
    }

    private String quote(int id) {
        String s = tokenizer.decode(new int[] {id}).replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t");
        return "\"" + s + "\"";
    }

    /** Indices of the k largest values, largest first (k is small: a partial selection, no sort of the vocabulary). */
    static int[] topIds(float[] values, int k) {
        k = Math.min(k, values.length);
        int[] best = new int[k];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (n < k) {
                best[n++] = i;
            } else if (values[i] > values[best[k - 1]]) {
                best[k - 1] = i;
            } else {
                continue;
            }
            for (int j = n - 1; j > 0 && values[best[j]] > values[best[j - 1]]; j--) {
                int t = best[j]; best[j] = best[j - 1]; best[j - 1] = t;
            }
        }
        return best;
    }
}
