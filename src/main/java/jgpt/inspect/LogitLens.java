package jgpt.inspect;

import jgpt.generate.Sampler;
import jgpt.model.DecodeObserver;
import jgpt.model.Decoder;
import jgpt.model.Gpt;

/**
 * The logit lens (nostalgebraist 2020): what the model would predict if it stopped after layer l, found by
 * applying the final LayerNorm and the unembedding to the residual stream after that layer, at every position.
 * The residuals are recorded from the {@link Decoder} while it reads the prompt and unembedded by the same decoder,
 * so the last layer's row is exactly the model's prediction.
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
        float[] dist = new float[cfg.vocabSize()];
        for (int pos = 0; pos < t; pos++) {
            for (int l = layers - 1; l >= 0; l--) { // the last layer first: it fixes the predicted token
                Sampler.softmax(decoder.unembed(residuals[l], pos * c), 1f, dist);
                if (l == layers - 1) predicted[pos] = Top.indices(dist, 1)[0];
                top[l][pos] = Top.indices(dist, topN);
                topProbs[l][pos] = new float[top[l][pos].length];
                for (int k = 0; k < top[l][pos].length; k++) topProbs[l][pos][k] = dist[top[l][pos][k]];
                predictedProb[l][pos] = dist[predicted[pos]];
            }
        }
        return new LogitLens(top, topProbs, predicted, predictedProb);
    }
}
