package jgpt.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jgpt.autograd.Tape;
import jgpt.model.Decoder;
import jgpt.model.Gpt;
import jgpt.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@code gpt next}'s numbers: at every temperature the probabilities are the softmax of the model's logits (taken here
 * from the training forward pass, a different code path from the decoder the command uses), summing to 1.
 */
class NextTokensTest {
    @Test
    void probabilitiesAreTheModelsSoftmaxAtEachTemperature() {
        Gpt model = ReferenceModel.load();
        int t = 9, vocab = model.config().vocabSize();
        int[] ids = ReferenceModel.ids(t);
        Tape tape = new Tape();
        tape.setGradEnabled(false);
        Tensor all = model.forward(tape, ids, 1, t, null);
        double[] logits = new double[vocab];
        for (int v = 0; v < vocab; v++) logits[v] = all.get((t - 1) * vocab + v);
        int argmax = 0;
        for (int v = 1; v < vocab; v++) if (logits[v] > logits[argmax]) argmax = v;

        float[] temperatures = {0f, 0.5f, 1f, 2f};
        float[] decoderLogits = new Decoder(model).prefill(ids).clone();
        NextTokens next = NextTokens.of(decoderLogits, temperatures, vocab);
        assertEquals(vocab, next.ids().length);
        for (int k = 0; k < temperatures.length; k++) {
            double[] expected = softmax(logits, temperatures[k], argmax);
            double sum = 0;
            for (int i = 0; i < vocab; i++) {
                int id = next.ids()[i];
                assertEquals(expected[id], next.probs()[i][k], 2e-6, "token " + id + " at T=" + temperatures[k]);
                sum += next.probs()[i][k];
            }
            assertEquals(1.0, sum, 1e-5, "sum over the vocabulary at T=" + temperatures[k]);
        }
        assertEquals(argmax, next.ids()[0]);
        for (int i = 1; i < vocab; i++) assertEquals(0f, next.probs()[i][0], "greedy puts everything on the argmax");
    }

    @Test
    void topIsOrderedByLogit() {
        NextTokens n = NextTokens.of(new float[] {0.5f, 3f, -1f, 2f, 3f}, new float[] {1f}, 3);
        assertEquals(java.util.List.of(1, 4, 3), java.util.Arrays.stream(n.ids()).boxed().toList());
        assertEquals(n.probs()[0][0], n.probs()[1][0], "equal logits, equal probabilities");
    }

    private static double[] softmax(double[] logits, float t, int argmax) {
        double[] p = new double[logits.length];
        if (t == 0f) {
            p[argmax] = 1;
            return p;
        }
        double max = logits[argmax], sum = 0;
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp((logits[i] - max) / t);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }
}
