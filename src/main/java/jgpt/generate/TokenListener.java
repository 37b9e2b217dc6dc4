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

    /** Asked after each token: true ends the generation there (e.g. the text now ends with a stop string). */
    default boolean stopRequested() {
        return false;
    }
}
