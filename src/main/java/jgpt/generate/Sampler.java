package jgpt.generate;

import jgpt.tensor.Rng;

/**
 * Turns next-token logits into a choice: greedy argmax at temperature 0, otherwise softmax(logits / T)
 * restricted to the top-k and then to the top-p nucleus (Holtzman et al. 2020), renormalised and sampled.
 * Buffers are allocated once per vocabulary size; nothing is boxed.
 */
public final class Sampler {
    private final GenerationConfig cfg;
    private final Rng rng;
    private final float[] probs;
    /** (probability bits, id) of the vocabulary ranked so far, most likely first: ranked[0 .. rankedCount). */
    private final long[] ranked;
    /** The rest, as a binary max-heap of (probability bits, id): ranks are taken off it only as they are needed. */
    private final long[] heap;
    private int rankedCount, heapSize;
    private boolean heapBuilt;
    private float lastProbability;
    private int kept, greedyPick;
    private double keptMass;

    public Sampler(GenerationConfig cfg, int vocabSize) {
        this.cfg = cfg;
        this.rng = new Rng(cfg.seed());
        this.probs = new float[vocabSize];
        this.ranked = new long[vocabSize];
        this.heap = new long[vocabSize];
    }

    /** Probability (under temperature 1 softmax for greedy, else under the filtered distribution) of the last pick. */
    public float lastProbability() { return lastProbability; }

    /**
     * The softmax (temperature applied; 1 for greedy) of the logits passed to the last {@link #sample} call,
     * before top-k/top-p filtering. A buffer reused by the next call.
     */
    public float[] distribution() { return probs; }

    /**
     * How many tokens the last pick was drawn from: those left after top-k and top-p (1 for greedy). They are
     * {@link #candidate}(0 .. candidates()-1), most likely first.
     */
    public int candidates() { return kept; }

    /** The id of the rank-th candidate of the last pick (rank 0 = most likely). */
    public int candidate(int rank) {
        checkRank(rank);
        return cfg.temperature() == 0f ? greedyPick : (int) rank(rank);
    }

    /** The rank-th candidate's probability in the distribution the last pick was drawn from (renormalised; 1 for greedy). */
    public float candidateProbability(int rank) {
        checkRank(rank);
        return cfg.temperature() == 0f ? 1f : (float) (probOf(rank(rank)) / keptMass);
    }

    /** Total {@link #distribution} probability of the last pick's candidates: a candidate's sampling probability is its share of it. */
    public double keptMass() { return keptMass; }

    /**
     * The id of rank r (0 = most likely) in the last draw's {@link #distribution}, for r in [0, vocab), candidates
     * or not; only after a draw at temperature > 0 (greedy does not rank).
     */
    public int rankedId(int r) {
        if (cfg.temperature() == 0f) throw new IllegalStateException("greedy sampling does not rank the vocabulary");
        if (r < 0 || r >= probs.length) throw new IndexOutOfBoundsException("rank " + r + " of " + probs.length);
        return (int) rank(r);
    }

    private void checkRank(int rank) {
        if (rank < 0 || rank >= kept) throw new IndexOutOfBoundsException("rank " + rank + " of " + kept + " candidates");
    }

    /** Softmax of logits / temperature (temperature 0 treated as 1) into {@code out}. */
    public static void softmax(float[] logits, float temperature, float[] out) {
        float t = temperature == 0f ? 1f : temperature;
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            out[i] = (float) Math.exp((logits[i] - max) / t);
            sum += out[i];
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < logits.length; i++) out[i] *= inv;
    }

    public int sample(float[] logits) {
        int v = logits.length;
        softmax(logits, cfg.temperature(), probs);
        rankedCount = 0;
        heapBuilt = false;
        if (cfg.temperature() == 0f) {
            int best = 0;
            for (int i = 1; i < v; i++) if (logits[i] > logits[best]) best = i;
            lastProbability = probs[best];
            kept = 1;
            keptMass = probs[best];
            greedyPick = best;
            return best;
        }
        // Candidates are ranked lazily: a nucleus or a top-k is usually a small part of a 50k vocabulary, and
        // sorting all of it (O(V log V)) for every token is wasted work; a heap costs O(V) plus O(log V) per rank taken.
        int keep = cfg.topK() > 0 ? Math.min(cfg.topK(), v) : v;
        if (keep == v && cfg.topP() >= 1f) {
            // no top-k and no nucleus: every token is a candidate, and the walk below ranks only until the draw lands
            double total = 0;
            for (float p : probs) total += p;
            return drawWithin(v, total);
        }
        double cumulative = 0;
        int kept = 0;
        for (int r = 0; r < keep; r++) {
            cumulative += probOf(rank(r));
            kept++;
            if (cumulative >= cfg.topP()) break;
        }
        return drawWithin(kept, cumulative);
    }

    /** Draws among the `kept` most likely tokens, whose probabilities sum to `mass`, walking them in rank order. */
    private int drawWithin(int kept, double mass) {
        this.kept = kept;
        keptMass = mass;
        double u = rng.nextDouble() * mass;
        double acc = 0;
        for (int r = 0; r < kept; r++) {
            long e = rank(r);
            acc += probOf(e);
            if (u < acc || r == kept - 1) {
                lastProbability = (float) (probOf(e) / mass);
                return (int) e;
            }
        }
        throw new AssertionError("unreachable");
    }

    /**
     * The (probability bits, id) of rank r: ties in probability rank the larger id first, as a descending sort
     * of the packed values would. Non-negative float bits order like the floats.
     */
    private long rank(int r) {
        if (!heapBuilt) {
            for (int i = 0; i < probs.length; i++) heap[i] = ((long) Float.floatToRawIntBits(probs[i]) << 32) | i;
            heapSize = probs.length;
            for (int i = heapSize / 2 - 1; i >= 0; i--) siftDown(i);
            heapBuilt = true;
        }
        while (rankedCount <= r) {
            ranked[rankedCount++] = heap[0];
            heap[0] = heap[--heapSize];
            siftDown(0);
        }
        return ranked[r];
    }

    private void siftDown(int i) {
        long x = heap[i];
        int n = heapSize;
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) break;
            if (child + 1 < n && heap[child + 1] > heap[child]) child++;
            if (heap[child] <= x) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = x;
    }

    private static float probOf(long packed) { return Float.intBitsToFloat((int) (packed >>> 32)); }
}
