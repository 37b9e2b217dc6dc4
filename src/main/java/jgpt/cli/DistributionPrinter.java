package jgpt.cli;

import java.io.PrintStream;
import java.util.Locale;
import jgpt.generate.TokenListener;
import jgpt.inspect.Top;
import jgpt.inspect.TokenText;
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
        int[] top = Top.indices(dist, k);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%4d  %-14s p=%.4f  |", index++, quote(token), probability));
        for (int id : top) sb.append(String.format(Locale.ROOT, "  %s %.3f", quote(id), dist[id]));
        out.println(sb);
    }

    private String quote(int id) {
        return "\"" + TokenText.label(tokenizer, id) + "\"";
    }
}
