package jgpt.generate;

/** Receives each generated token as soon as it is chosen (for streaming), with the distribution it came from. */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param token       the chosen id
     * @param probability its probability in the distribution it was drawn from
     * @param distribution the full next-token softmax (temperature applied); only valid during this call
     */
    void onToken(int token, float probability, float[] distribution);

    /**
     * The same with the sampler that chose the token, for listeners that want the candidates left after
     * top-k/top-p ({@link Sampler#candidates}); only valid during this call. The generator calls this one.
     */
    default void onToken(int token, Sampler sampler) {
        onToken(token, sampler.lastProbability(), sampler.distribution());
    }

    /** Asked after each token: true ends the generation there (e.g. the text now ends with a stop string). */
    default boolean stopRequested() {
        return false;
    }
}
