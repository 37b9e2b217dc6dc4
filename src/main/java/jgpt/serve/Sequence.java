package jgpt.serve;

import java.util.concurrent.BlockingQueue;
import jgpt.generate.GenerationConfig;
import jgpt.generate.Sampler;

/**
 * One choice being generated: its prompt, sampler (own seeded generator, so batching never changes its text),
 * KV-cache slot and progress. The decode loop owns all fields but {@link #cancel}; events go to the request's
 * queue.
 */
final class Sequence {
    /** Log-probability reported for a token top-k/top-p excluded from the draw (OpenAI's own floor value). */
    static final float EXCLUDED = -9999f;

    final int choice;
    final int[] prompt;
    final int maxTokens, endOfText, topLogprobs, topLogits;
    final boolean greedy;
    final Sampler sampler;
    final BlockingQueue<TokenEvent> events;
    private final float[] row;
    private volatile boolean cancelled;

    int slot = -1, prefilled, generated, nextToken;
    boolean finished;

    Sequence(int choice, int[] prompt, Sampling s, long seed, int vocab, int endOfText, BlockingQueue<TokenEvent> events) {
        this.choice = choice;
        this.prompt = prompt;
        this.maxTokens = s.maxTokens();
        this.endOfText = endOfText;
        this.topLogprobs = s.topLogprobs();
        this.topLogits = s.topLogits();
        this.greedy = s.temperature() == 0f;
        this.sampler = new Sampler(new GenerationConfig(s.maxTokens(), s.temperature(), s.topK(), s.topP(), seed), vocab);
        this.events = events;
        this.row = new float[vocab];
    }

    /** Asks the decode loop to stop this choice and free its slot (client gone, or a stop string was reached). */
    void cancel() { cancelled = true; }

    boolean cancelled() { return cancelled; }

    boolean prefilling() { return prefilled < prompt.length; }

    /**
     * Draws the next token from logits[off, +vocab) and reports it. contextLeft: positions still free in the
     * cache (0: the token cannot be fed back, so the choice ends at it).
     */
    void sample(float[] logits, int off, int contextLeft) {
        System.arraycopy(logits, off, row, 0, row.length);
        int id = sampler.sample(row);
        generated++;
        nextToken = id;
        float[] probs = sampler.distribution(); // greedy: the temperature-1 softmax
        float logprob = greedy ? log(probs[id]) : log(sampler.lastProbability());
        int[] topIds = null;
        float[] topLp = null;
        if (topLogprobs > 0) {
            topIds = greedy ? Candidates.largest(probs, probs.length, topLogprobs) : new int[Math.min(topLogprobs, probs.length)];
            topLp = new float[topIds.length];
            int kept = sampler.candidates();
            double mass = sampler.keptMass();
            for (int r = 0; r < topIds.length; r++) {
                if (greedy) {
                    topLp[r] = log(probs[topIds[r]]);
                } else {
                    topIds[r] = sampler.rankedId(r);
                    topLp[r] = r < kept ? log((float) (probs[topIds[r]] / mass)) : EXCLUDED;
                }
            }
        }
        int[] logitIds = null;
        float[] topLogitValues = null;
        if (topLogits > 0) {
            logitIds = Candidates.largest(row, row.length, topLogits);
            topLogitValues = new float[logitIds.length];
            for (int r = 0; r < logitIds.length; r++) topLogitValues[r] = row[logitIds[r]];
        }
        String finish = null;
        if (id == endOfText) finish = "stop";
        else if (generated >= maxTokens || contextLeft <= 0) finish = "length";
        finished = finish != null;
        events.add(new TokenEvent(choice, id, logprob, topIds, topLp, logitIds, topLogitValues, finish));
    }

    private static float log(float p) { return p > 0f ? Math.max(EXCLUDED, (float) Math.log(p)) : EXCLUDED; }
}
