package jgpt.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus chrF exactly as sacreBLEU 2.x computes it with its defaults: character n-grams of orders 1-6 with
 * whitespace removed, β = 2, statistics summed over the corpus, precision and recall averaged over the orders
 * that have both hypothesis and reference n-grams. Popović 2015.
 * <pre>{@code
 * double chrf = ChrF.corpus(hypotheses, references).score();   // 0..100
 * }</pre>
 */
public final class ChrF {
    public static final int CHAR_ORDER = 6;
    public static final int BETA = 2;

    /** The score (0-100) and the summed [hypothesis, reference, match] counts per order. */
    public record Score(double score, long[] statistics) {}

    private ChrF() {}

    public static Score corpus(List<String> hypotheses, List<String> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses but " + references.size() + " references");
        }
        long[] stats = new long[3 * CHAR_ORDER];
        for (int i = 0; i < hypotheses.size(); i++) {
            int[] hyp = withoutWhitespace(hypotheses.get(i));
            int[] ref = withoutWhitespace(references.get(i));
            for (int n = 1; n <= CHAR_ORDER; n++) {
                Map<String, Integer> hypCounts = ngrams(hyp, n), refCounts = ngrams(ref, n);
                long match = 0;
                for (Map.Entry<String, Integer> e : hypCounts.entrySet()) {
                    match += Math.min(e.getValue(), refCounts.getOrDefault(e.getKey(), 0));
                }
                stats[3 * (n - 1)] += Math.max(0, hyp.length - n + 1);
                stats[3 * (n - 1) + 1] += Math.max(0, ref.length - n + 1);
                stats[3 * (n - 1) + 2] += match;
            }
        }
        return new Score(fScore(stats), stats);
    }

    /** sacreBLEU's {@code _compute_f_score} without eps smoothing (its default). */
    static double fScore(long[] stats) {
        double factor = BETA * BETA, avgPrec = 0, avgRec = 0;
        int effectiveOrder = 0;
        for (int i = 0; i < CHAR_ORDER; i++) {
            long hyp = stats[3 * i], ref = stats[3 * i + 1], match = stats[3 * i + 2];
            if (hyp > 0 && ref > 0) {
                avgPrec += (double) match / hyp;
                avgRec += (double) match / ref;
                effectiveOrder++;
            }
        }
        if (effectiveOrder == 0) return 0.0;
        avgPrec /= effectiveOrder;
        avgRec /= effectiveOrder;
        if (avgPrec + avgRec == 0) return 0.0;
        return 100 * (1 + factor) * avgPrec * avgRec / (factor * avgPrec + avgRec);
    }

    /** The line's code points with Python whitespace removed ({@code ''.join(line.split())}). */
    private static int[] withoutWhitespace(String line) {
        return line.codePoints().filter(c -> !PythonText.isSpace(c)).toArray();
    }

    private static Map<String, Integer> ngrams(int[] chars, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= chars.length; i++) counts.merge(new String(chars, i, n), 1, Integer::sum);
        return counts;
    }
}
