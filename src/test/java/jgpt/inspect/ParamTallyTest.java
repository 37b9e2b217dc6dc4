package jgpt.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import jgpt.model.Activation;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.model.PositionalEncoding;
import org.junit.jupiter.api.Test;

/** The tally against the published GPT-3 figures and GPT-2's known size, and against our models' real parameter arrays. */
class ParamTallyTest {
    private static void category(ParamTally t, int i, String name, long rows, long cols, long matrices, long weights) {
        ParamTally.Category c = t.categories().get(i);
        assertEquals(List.of(name, rows, cols, matrices, weights), List.of(c.name(), c.rows(), c.cols(), c.matrices(), c.weights()));
    }

    @Test
    void gpt3MatchesThePublishedTally() {
        ParamTally t = ParamTally.of(GptConfig.presetNamed("gpt3"), 50257);
        category(t, 0, "Embedding", 12288, 50257, 1, 617_558_016L);
        category(t, 1, "Key", 128, 12288, 9216, 14_495_514_624L);
        category(t, 2, "Query", 128, 12288, 9216, 14_495_514_624L);
        category(t, 3, "Value", 128, 12288, 9216, 14_495_514_624L);
        category(t, 4, "Output", 12288, 12288, 96, 14_495_514_624L);
        category(t, 5, "Up-projection", 49152, 12288, 96, 57_982_058_496L);
        category(t, 6, "Down-projection", 12288, 49152, 96, 57_982_058_496L);
        category(t, 7, "Unembedding", 50257, 12288, 1, 617_558_016L);
        assertEquals(175_181_291_520L, t.categoryTotal());
        assertEquals(27_938L, t.matrices());
    }

    @Test
    void gpt2CountsEveryCategoryAndTheTiedTotal() {
        ParamTally t = ParamTally.of(GptConfig.presetNamed("gpt2"), 50257);
        category(t, 0, "Embedding", 768, 50257, 1, 38_597_376L);
        category(t, 1, "Key", 64, 768, 144, 7_077_888L);
        category(t, 2, "Query", 64, 768, 144, 7_077_888L);
        category(t, 3, "Value", 64, 768, 144, 7_077_888L);
        category(t, 4, "Output", 768, 768, 12, 7_077_888L);
        category(t, 5, "Up-projection", 3072, 768, 12, 28_311_552L);
        category(t, 6, "Down-projection", 768, 3072, 12, 28_311_552L);
        category(t, 7, "Unembedding", 50257, 768, 1, 38_597_376L);
        assertEquals(470, t.matrices());
        assertEquals(124_439_808L, t.total()); // GPT2LMHeadModel.num_parameters() of openai-community/gpt2
        assertEquals(786_432L + 36_864 + 46_080 + 38_400, t.otherTotal());
    }

    @Test
    void totalEqualsTheModelsParameterArray() {
        for (GptConfig cfg : List.of(GptConfig.of(2, 4, 32, 16, 97, 0f, true),
                GptConfig.of(3, 2, 16, 8, 50, 0f, false).with(Activation.RELU, PositionalEncoding.SINUSOIDAL),
                GptConfig.preset("baby", 65))) {
            assertEquals(new Gpt(cfg, false).parameters().count(), ParamTally.of(cfg).total(), cfg.toString());
        }
    }
}
