package jgpt.inspect;

import jgpt.generate.Sampler;
import jgpt.model.DecodeObserver;
import jgpt.model.Decoder;
import jgpt.model.Gpt;

/**
 * The logit lens (nostalgebraist 2020): what the model would predict if it stopped after layer l, found by
 * applying the final LayerNorm and the unembedding to the residual stream after that layer, at every position.
 * The residuals are recorded from the {@link Decoder} while it reads the prompt and unembedded by the same decoder's
 * final LayerNorm and unembedding (all positions of a layer in one matrix product), so the last layer's row is the
 * model's prediction.
 * <pre>{@code
 * LogitLens lens = LogitLens.of(model, ids, 3);
 * int id = lens.top()[layer][pos][0];  // most likely next token after position pos, read after layer `layer`
 * }</pre>
 *
 * @param top       top[l][pos]: the most likely token ids, best first
 * @param topProbs  their probabilities (softmax at temperature 1)
 * @param predicted predicted[pos]: the final layer's most likely token
 * @param predictedProb predictedProb[l][pos]: the probability layer l already gives predicted[pos]
 */
public record LogitLens(int[][][] top, float[][][] topProbs, int[] predicted, float[][] predictedProb) {
    /** Logits unembedded per matrix product: 64 positions of GPT-2's 50,257 (13 MB). */
    private static final int CHUNK_FLOATS = 64 * 50257;

    public static LogitLens of(Gpt model, int[] ids, int topN) {
        var cfg = model.config();
        int layers = cfg.nLayer(), t = ids.length, c = cfg.nEmbd();
        float[][] residuals = new float[layers][t * c];
        Decoder decoder = new Decoder(model);
        decoder.observe(new DecodeObserver() {
            @Override
            public void residual(int layer, int pos, float[] x, int off) {
                System.arraycopy(x, off, residuals[layer], pos * c, c);
            }
        });
        decoder.prefill(ids);
        decoder.observe(null);
        int[][][] top = new int[layers][t][];
        float[][][] topProbs = new float[layers][t][];
        int[] predicted = new int[t];
        float[][] predictedProb = new float[layers][t];
        int vocab = cfg.vocabSize(), chunk = Math.max(1, Math.min(t, CHUNK_FLOATS / vocab));
        float[] logits = new float[chunk * vocab], dist = new float[vocab], row = new float[vocab];
        for (int l = layers - 1; l >= 0; l--) { // the last layer first: it fixes the predicted tokens
            for (int from = 0; from < t; from += chunk) {
                int rows = Math.min(chunk, t - from);
                decoder.unembed(residuals[l], from * c, rows, logits);
                for (int r = 0; r < rows; r++) {
                    int pos = from + r;
                    System.arraycopy(logits, r * vocab, row, 0, vocab);
                    Sampler.softmax(row, 1f, dist);
                    if (l == layers - 1) predicted[pos] = Top.indices(dist, 1)[0];
                    top[l][pos] = Top.indices(dist, topN);
                    topProbs[l][pos] = new float[top[l][pos].length];
                    for (int k = 0; k < top[l][pos].length; k++) topProbs[l][pos][k] = dist[top[l][pos][k]];
                    predictedProb[l][pos] = dist[predicted[pos]];
                }
            }
        }
        return new LogitLens(top, topProbs, predicted, predictedProb);
    }
}
