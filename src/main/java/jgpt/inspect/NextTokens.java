package jgpt.inspect;

import jgpt.generate.Sampler;

/**
 * The next-token distribution after a prompt at several temperatures: the softmax the {@link Sampler} draws
 * from, of logits / T (T = 0: greedy, all probability on the most likely token), for the top tokens.
 * <pre>{@code
 * NextTokens n = NextTokens.of(decoder.prefill(ids), new float[] {0f, 1f, 2f}, 10);
 * float p = n.probs()[0][2];   // most likely token at T = 2
 * }</pre>
 *
 * @param ids          the top tokens by logit, most likely first (the order is the same at every T > 0)
 * @param logits       their logits
 * @param temperatures as given
 * @param probs        probs[i][k]: probability of ids[i] at temperatures[k]
 */
public record NextTokens(int[] ids, float[] logits, float[] temperatures, float[][] probs) {

    /** The {@code top} most likely tokens of {@code logits} with their probabilities at each temperature. */
    public static NextTokens of(float[] logits, float[] temperatures, int top) {
        int[] ids = Top.indices(logits, Math.min(top, logits.length));
        float[][] probs = new float[ids.length][temperatures.length];
        float[] dist = new float[logits.length];
        for (int k = 0; k < temperatures.length; k++) {
            distribution(logits, temperatures[k], dist);
            for (int i = 0; i < ids.length; i++) probs[i][k] = dist[ids[i]];
        }
        float[] l = new float[ids.length];
        for (int i = 0; i < ids.length; i++) l[i] = logits[ids[i]];
        return new NextTokens(ids, l, temperatures.clone(), probs);
    }

    /** The full distribution at temperature t into out: the sampler's softmax, or one-hot at the argmax for t = 0. */
    public static void distribution(float[] logits, float t, float[] out) {
        if (t > 0f) {
            Sampler.softmax(logits, t, out);
            return;
        }
        java.util.Arrays.fill(out, 0f);
        out[Top.indices(logits, 1)[0]] = 1f;
    }
}
