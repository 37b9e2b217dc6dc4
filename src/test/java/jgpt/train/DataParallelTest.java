package jgpt.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jgpt.autograd.Tape;
import jgpt.kernels.Parallel;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Splitting a batch across replicas computes the full batch's gradient, with the same bits on any core count. */
class DataParallelTest {
    private static final int B = 4, T = 8, V = 11;

    @AfterEach
    void restorePool() {
        Parallel.configure(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void replicasGiveTheFullBatchGradient() {
        GptConfig cfg = GptConfig.of(2, 2, 16, T, V, 0f, true);
        int[] x = ExactResumeTest.randomTokens(B * T, V, 1), y = ExactResumeTest.randomTokens(B * T, V, 2);

        Gpt whole = Gpt.create(cfg, 7);
        Tape tape = new Tape();
        Tensor loss = whole.loss(tape, x, y, B, T, null);
        tape.backward(loss, 0.5f);
        float[] expected = whole.parameters().grad().clone();

        Gpt split = Gpt.create(cfg, 7);
        DataParallel dp = new DataParallel(split, B, T);
        assertEquals(2, dp.replicas());
        float splitLoss = dp.forwardBackward(x, y, 0.5f, new Rng(3));
        dp.reduceGradients();
        assertEquals(loss.get(0), splitLoss, 1e-6f);
        float[] actual = split.parameters().grad();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6f + 1e-5f * Math.abs(expected[i]), "gradient " + i);
        }
    }

    @Test
    void sameBitsOnOneOrTwoCores() {
        GptConfig cfg = GptConfig.of(2, 2, 16, T, V, 0.1f, true);  // dropout: each replica draws its own mask
        assertArrayEquals(gradients(cfg, 1), gradients(cfg, 2));
    }

    /**
     * Steps after the first replay the captured one: they must give the bits of steps run afresh (here forced by an
     * evaluation before every step, which drops the capture), with new tokens, targets and dropout masks each time.
     */
    @Test
    void replayedStepsMatchFreshSteps() {
        GptConfig cfg = GptConfig.of(2, 2, 16, T, V, 0.1f, true);
        Gpt replayed = Gpt.create(cfg, 7), fresh = Gpt.create(cfg, 7);
        DataParallel a = new DataParallel(replayed, B, T), b = new DataParallel(fresh, B, T);
        Rng ra = new Rng(5), rb = new Rng(5);
        int[] evalX = ExactResumeTest.randomTokens(B * T, V, 40), evalY = ExactResumeTest.randomTokens(B * T, V, 41);
        for (int step = 0; step < 4; step++) {
            int[] x = ExactResumeTest.randomTokens(B * T, V, step), y = ExactResumeTest.randomTokens(B * T, V, step + 9);
            float evalB = b.meanLoss(evalX, evalY);
            if (step == 2) assertEquals(evalB, a.meanLoss(evalX, evalY)); // a recaptures too, mid-run
            replayed.parameters().zeroGrad();
            fresh.parameters().zeroGrad();
            float lossA = a.forwardBackward(x, y, 1f, ra);
            float lossB = b.forwardBackward(x, y, 1f, rb);
            for (int extra = 0; extra < 1 + step % 2; extra++) { // replays within the step (gradient accumulation)
                lossA += a.forwardBackward(y, x, 1f, ra);
                lossB += b.forwardBackward(y, x, 1f, rb);
            }
            a.reduceGradients();
            b.reduceGradients();
            assertEquals(lossB, lossA, "loss at step " + step);
            assertArrayEquals(fresh.parameters().grad(), replayed.parameters().grad(), "gradients at step " + step);
        }
    }

    private static float[] gradients(GptConfig cfg, int threads) {
        Parallel.configure(threads);
        Gpt model = Gpt.create(cfg, 7);
        DataParallel dp = new DataParallel(model, B, T);
        Rng rng = new Rng(5);
        for (int step = 0; step < 2; step++) {  // a second step checks the replica's gradient was zeroed
            model.parameters().zeroGrad();
            dp.forwardBackward(ExactResumeTest.randomTokens(B * T, V, step), ExactResumeTest.randomTokens(B * T, V, step + 9), 1f, rng);
            dp.reduceGradients();
        }
        return model.parameters().grad().clone();
    }
}
