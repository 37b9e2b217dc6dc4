package jgpt.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU exactly as sacreBLEU 2.x computes it with its defaults: 13a tokenization, case-sensitive, n-grams up
 * to 4, one reference per segment, brevity penalty over the corpus, and "exp" smoothing (an order with no match
 * gets precision 100 / (2^k · total), k counting such orders). Papineni et al. 2002; Post 2018.
 * <pre>{@code
 * Bleu.Score s = Bleu.corpus(List.of("the cat sat on the mat"), List.of("the cat sat on a mat"));
 * System.out.println(s.score());   // 0..100
 * }</pre>
 */
public final class Bleu {
    public static final int MAX_ORDER = 4;

    /** The score (0-100) with its sufficient statistics, as sacreBLEU reports them. */
    public record Score(double score, long[] correct, long[] total, double[] precisions, double brevityPenalty,
                        long sysLen, long refLen) {
        /** sacreBLEU's one-line summary, e.g. {@code BLEU = 34.12 61.5/40.0/27.3/20.0 (BP = 1.000 ratio = 1.000 hyp_len = 13 ref_len = 13)}. */
        public String summary() {
            return String.format(java.util.Locale.ROOT, "BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
                    score, precisions[0], precisions[1], precisions[2], precisions[3], brevityPenalty,
                    refLen == 0 ? 0.0 : (double) sysLen / refLen, sysLen, refLen);
        }
    }

    private Bleu() {}

    /** Corpus BLEU of hypotheses against one reference each (same number of lines). */
    public static Score corpus(List<String> hypotheses, List<String> references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses but " + references.size() + " references");
        }
        long[] correct = new long[MAX_ORDER], total = new long[MAX_ORDER];
        long sysLen = 0, refLen = 0;
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> hyp = PythonText.split(Tokenizer13a.tokenize(PythonText.rstrip(hypotheses.get(i))));
            List<String> ref = PythonText.split(Tokenizer13a.tokenize(PythonText.rstrip(references.get(i))));
            sysLen += hyp.size();
            refLen += ref.size();
            for (int n = 1; n <= MAX_ORDER; n++) {
                Map<List<String>, Integer> refCounts = ngrams(ref, n);
                for (Map.Entry<List<String>, Integer> e : ngrams(hyp, n).entrySet()) {
                    correct[n - 1] += Math.min(e.getValue(), refCounts.getOrDefault(e.getKey(), 0));
                }
                total[n - 1] += Math.max(0, hyp.size() - n + 1);
            }
        }
        return fromStatistics(correct, total, sysLen, refLen);
    }

    /** BLEU from summed statistics (sacreBLEU's {@code compute_bleu} with smooth_method "exp"). */
    static Score fromStatistics(long[] correct, long[] total, long sysLen, long refLen) {
        double bp = sysLen >= refLen ? 1.0 : sysLen > 0 ? Math.exp(1.0 - (double) refLen / sysLen) : 0.0;
        double[] precisions = new double[MAX_ORDER];
        boolean anyMatch = false;
        for (long c : correct) anyMatch |= c != 0;
        if (!anyMatch) return new Score(0.0, correct, total, precisions, bp, sysLen, refLen);
        double smooth = 1.0;
        for (int n = 0; n < MAX_ORDER; n++) {
            if (total[n] == 0) break;
            if (correct[n] == 0) {
                smooth *= 2;
                precisions[n] = 100.0 / (smooth * total[n]);
            } else {
                precisions[n] = 100.0 * correct[n] / total[n];
            }
        }
        double logSum = 0;
        // sacreBLEU's my_log: log(0) counts as -9999999999, so an order without n-grams zeroes the score
        for (double p : precisions) logSum += p == 0.0 ? -9999999999.0 : Math.log(p);
        return new Score(bp * Math.exp(logSum / MAX_ORDER), correct, total, precisions, bp, sysLen, refLen);
    }

    private static Map<List<String>, Integer> ngrams(List<String> words, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= words.size(); i++) counts.merge(words.subList(i, i + n), 1, Integer::sum);
        return counts;
    }
}
