package jgpt.translate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy and beam search over an {@link IncrementalDecoder}, with the semantics of Hugging Face generate()
 * (num_beams, length_penalty, bad_words_ids, forced_eos_token_id, early_stopping false): at each step every live
 * beam's log-softmax plus its running score; the best 2 x beams candidates of a source are taken in order, an eos
 * candidate among the first `beams` finishes a hypothesis with score sum / length^penalty (length = its tokens
 * including the start token, excluding eos), the others continue until `beams` beams are found. A source is done
 * when it has `beams` finished hypotheses and none of the live beams can beat the worst
 * (best running score / length^penalty <= worst). At max_length the live beams are finished as they are.
 * Greedy (1 beam) takes the argmax.
 */
public final class BeamSearch {
    private BeamSearch() {}

    /** For each source, the best token sequence starting with the decoder start id (eos included when produced). */
    public static List<int[]> translate(MarianModel model, int[][] sources, DecodingSettings settings) {
        return settings.beams() == 1 ? greedy(model, sources, settings) : beam(model, sources, settings);
    }

    static List<int[]> greedy(MarianModel model, int[][] sources, DecodingSettings st) {
        MarianConfig cfg = model.config();
        int n = sources.length, v = cfg.vocabSize();
        IncrementalDecoder dec = new IncrementalDecoder(model, sources, 1, st.maxLength());
        List<List<Integer>> out = new ArrayList<>();
        int[] next = new int[n];
        boolean[] done = new boolean[n];
        Arrays.fill(next, cfg.decoderStartId());
        for (int i = 0; i < n; i++) out.add(new ArrayList<>(List.of(cfg.decoderStartId())));
        int live = n;
        for (int len = 1; len < st.maxLength() && live > 0; len++) {
            float[] logits = dec.step(next);
            for (int r = 0; r < n; r++) {
                if (done[r]) {
                    next[r] = cfg.padId();
                    continue;
                }
                ban(logits, r * v, st.badWords());
                int best = len == st.maxLength() - 1 && st.forcedEos() >= 0 ? st.forcedEos() : argmax(logits, r * v, v);
                out.get(r).add(best);
                next[r] = best;
                if (best == cfg.eosId()) {
                    done[r] = true;
                    live--;
                }
            }
        }
        List<int[]> result = new ArrayList<>();
        for (List<Integer> o : out) result.add(o.stream().mapToInt(Integer::intValue).toArray());
        return result;
    }

    static List<int[]> beam(MarianModel model, int[][] sources, DecodingSettings st) {
        MarianConfig cfg = model.config();
        int n = sources.length, k = st.beams(), v = cfg.vocabSize(), rows = n * k, eos = cfg.eosId();
        IncrementalDecoder dec = new IncrementalDecoder(model, sources, k, st.maxLength());
        int[][] seqs = new int[rows][st.maxLength()];
        for (int[] s : seqs) s[0] = cfg.decoderStartId();
        double[] scores = new double[rows];
        for (int r = 0; r < rows; r++) scores[r] = r % k == 0 ? 0 : -1e9; // only the first beam starts live
        Hypotheses[] hyps = new Hypotheses[n];
        for (int i = 0; i < n; i++) hyps[i] = new Hypotheses(k, st.lengthPenalty(), eos);
        boolean[] done = new boolean[n];
        int[] next = new int[rows], parent = new int[rows];
        Arrays.fill(next, cfg.decoderStartId());
        double[] candScore = new double[2 * k];
        int[] candToken = new int[2 * k], candBeam = new int[2 * k];
        double[] newScores = new double[rows];
        int len = 1; // tokens in every sequence so far (the start token)
        for (; len < st.maxLength(); len++) {
            float[] logits = dec.step(next);
            boolean forceEos = len == st.maxLength() - 1 && st.forcedEos() >= 0;
            for (int i = 0; i < n; i++) {
                if (done[i]) { // finished sources keep padding, as HF does
                    for (int b = 0; b < k; b++) {
                        parent[i * k + b] = i * k + b;
                        next[i * k + b] = cfg.padId();
                        newScores[i * k + b] = 0;
                    }
                    continue;
                }
                for (int b = 0; b < k; b++) {
                    int r = i * k + b;
                    logSoftmax(logits, r * v, v);
                    ban(logits, r * v, st.badWords());
                    if (forceEos) { // HF's ForcedEOSTokenLogitsProcessor: eos gets log-probability 0, the rest -inf
                        for (int j = 0; j < v; j++) logits[r * v + j] = j == st.forcedEos() ? 0f : Float.NEGATIVE_INFINITY;
                    }
                }
                topCandidates(logits, i * k, k, v, scores, candScore, candToken, candBeam);
                int kept = 0;
                for (int rank = 0; rank < 2 * k && kept < k; rank++) {
                    int r = i * k + candBeam[rank];
                    if (candToken[rank] == eos) {
                        if (rank >= k) continue;
                        hyps[i].add(Arrays.copyOf(seqs[r], len), candScore[rank], len, true);
                    } else {
                        parent[i * k + kept] = r;
                        next[i * k + kept] = candToken[rank];
                        newScores[i * k + kept] = candScore[rank];
                        kept++;
                    }
                }
                done[i] = hyps[i].isDone(candScore[0], len);
            }
            System.arraycopy(newScores, 0, scores, 0, rows);
            int[][] moved = new int[rows][];
            for (int r = 0; r < rows; r++) {
                moved[r] = seqs[parent[r]].clone();
                moved[r][len] = next[r];
            }
            seqs = moved;
            dec.reorder(parent);
            boolean all = true;
            for (boolean d : done) all &= d;
            if (all) break;
        }
        List<int[]> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!done[i]) {
                int full = st.maxLength(); // the loop ran to max_length: every sequence is full
                for (int b = 0; b < k; b++) hyps[i].add(Arrays.copyOf(seqs[i * k + b], full), scores[i * k + b], full, false);
            }
            result.add(hyps[i].best());
        }
        return result;
    }

    /** The 2k best (score + log-prob) over the k beams of one source, best first. */
    private static void topCandidates(float[] logp, int firstRow, int k, int v, double[] scores, double[] score, int[] token, int[] beam) {
        int m = score.length;
        Arrays.fill(score, Double.NEGATIVE_INFINITY);
        Arrays.fill(token, -1);
        for (int b = 0; b < k; b++) {
            int r = firstRow + b;
            for (int j = 0; j < v; j++) {
                double s = scores[r] + logp[r * v + j];
                if (!(s > score[m - 1])) continue;
                int at = m - 1;
                while (at > 0 && s > score[at - 1]) {
                    score[at] = score[at - 1];
                    token[at] = token[at - 1];
                    beam[at] = beam[at - 1];
                    at--;
                }
                score[at] = s;
                token[at] = j;
                beam[at] = b;
            }
        }
    }

    static void ban(float[] logits, int off, int[] ids) {
        for (int id : ids) logits[off + id] = Float.NEGATIVE_INFINITY;
    }

    static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) if (x[off + j] > x[off + best]) best = j;
        return best;
    }

    static void logSoftmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) max = Math.max(max, x[off + j]);
        double sum = 0;
        for (int j = 0; j < n; j++) sum += Math.exp(x[off + j] - max);
        float lse = max + (float) Math.log(sum);
        for (int j = 0; j < n; j++) x[off + j] -= lse;
    }

    /** HF's BeamHypotheses: the k best finished sequences of one source by length-normalised score. */
    static final class Hypotheses {
        private final int k, eos;
        private final float penalty;
        private final List<double[]> scores = new ArrayList<>();
        private final List<int[]> seqs = new ArrayList<>();
        private double worst = 1e9;

        Hypotheses(int k, float penalty, int eos) {
            this.k = k;
            this.eos = eos;
            this.penalty = penalty;
        }

        /** {@code length}: tokens of seq (start included); eos is appended when {@code eos}. */
        void add(int[] seq, double sumLogProbs, int length, boolean eos) {
            double score = sumLogProbs / Math.pow(length, penalty);
            if (seqs.size() < k || score > worst) {
                int[] full = eos ? Arrays.copyOf(seq, seq.length + 1) : seq;
                if (eos) full[seq.length] = this.eos;
                seqs.add(full);
                scores.add(new double[] {score});
                if (seqs.size() > k) {
                    int w = 0;
                    for (int i = 1; i < scores.size(); i++) if (scores.get(i)[0] < scores.get(w)[0]) w = i;
                    seqs.remove(w);
                    scores.remove(w);
                }
                worst = Double.POSITIVE_INFINITY;
                for (double[] s : scores) worst = Math.min(worst, s[0]);
            }
        }

        boolean isDone(double bestSum, int length) {
            if (seqs.size() < k) return false;
            return worst >= bestSum / Math.pow(length, penalty);
        }

        int[] best() {
            int b = 0;
            for (int i = 1; i < scores.size(); i++) if (scores.get(i)[0] > scores.get(b)[0]) b = i;
            return seqs.get(b);
        }
    }
}
