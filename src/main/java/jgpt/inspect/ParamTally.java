package jgpt.inspect;

import java.util.List;
import jgpt.model.GptConfig;
import jgpt.model.PositionalEncoding;

/**
 * The weights of a GPT counted by matrix category, as the well-known GPT-3 tally does it: per layer a query, key
 * and value matrix per head (d_head × d_model each), one output matrix, the MLP's up- and down-projection; plus
 * the embedding and unembedding. What is not in a matrix (positions, biases, layer norms) is listed apart.
 * Shapes are written as the tally writes them: rows × columns of the matrix that multiplies a column vector.
 * <pre>{@code
 * ParamTally t = ParamTally.of(GptConfig.presetNamed("gpt3"), 50257);
 * long weights = t.categoryTotal();   // 175,181,291,520
 * }</pre>
 *
 * @param tiedUnembedding the unembedding is the embedding matrix itself (GPT-2): the total counts it once
 */
public record ParamTally(List<Category> categories, List<Other> other, boolean tiedUnembedding) {

    /** One category: the shape of one matrix, how many there are, and their weights. */
    public record Category(String name, long rows, long cols, long matrices) {
        public long weights() { return rows * cols * matrices; }
    }

    /** Parameters outside the tallied matrices. */
    public record Other(String name, long weights) {}

    /** The tally of a model folder's configuration (GPT-2 ties the unembedding to the embedding). */
    public static ParamTally of(GptConfig c) {
        return of(c.nLayer(), c.nHead(), c.nEmbd(), c.nInner(), c.blockSize(), c.vocabSize(), c.bias(),
                c.positional() == PositionalEncoding.LEARNED);
    }

    /** The tally of a preset with GPT-2's layout (MLP 4×wide, learned positions, tied unembedding). */
    public static ParamTally of(GptConfig.Preset p, int vocab) {
        return of(p.nLayer(), p.nHead(), p.nEmbd(), 4 * p.nEmbd(), p.blockSize(), vocab, p.bias(), true);
    }

    static ParamTally of(long layers, long heads, long width, long inner, long context, long vocab, boolean bias,
                         boolean learnedPositions) {
        long head = width / heads;
        List<Category> cats = List.of(
                new Category("Embedding", width, vocab, 1),
                new Category("Key", head, width, layers * heads),
                new Category("Query", head, width, layers * heads),
                new Category("Value", head, width, layers * heads),
                new Category("Output", width, width, layers),
                new Category("Up-projection", inner, width, layers),
                new Category("Down-projection", width, inner, layers),
                new Category("Unembedding", vocab, width, 1));
        List<Other> rest = new java.util.ArrayList<>();
        rest.add(new Other(learnedPositions ? "Position embeddings" : "Position embeddings (fixed sinusoids, not trained)",
                context * width));
        if (bias) {
            rest.add(new Other("Attention biases (query, key, value, output)", layers * 4 * width));
            rest.add(new Other("MLP biases (up, down)", layers * (inner + width)));
        }
        rest.add(new Other(bias ? "Layer norms (gain and bias)" : "Layer norms (gain)", (2 * layers + 1) * width * (bias ? 2 : 1)));
        return new ParamTally(cats, List.copyOf(rest), true);
    }

    /** Weights in the eight categories (the unembedding counted even when tied, as the tally does). */
    public long categoryTotal() {
        return categories.stream().mapToLong(Category::weights).sum();
    }

    public long matrices() {
        return categories.stream().mapToLong(Category::matrices).sum();
    }

    public long otherTotal() {
        return other.stream().mapToLong(Other::weights).sum();
    }

    /** Every parameter once: a tied unembedding is the embedding matrix, so it is not added again. */
    public long total() {
        long unembedding = categories.get(categories.size() - 1).weights();
        return categoryTotal() - (tiedUnembedding ? unembedding : 0) + otherTotal();
    }
}
