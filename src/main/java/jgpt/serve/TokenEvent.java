package jgpt.serve;

/**
 * One sampled token of one choice, or the end of that choice, as the decode loop hands it to the request.
 *
 * @param choice       index of the choice within its request
 * @param id           the token (-1 when the event only ends the choice)
 * @param logprob      log-probability of id in the distribution it was drawn from
 * @param topIds       the most likely ids of that distribution, best first (null unless asked for)
 * @param topLogprobs  their log-probabilities (-9999 for tokens top-k/top-p excluded from the draw)
 * @param logitIds     ids of the largest raw logits, largest first (null unless asked for)
 * @param logits       those logits
 * @param finish       null, or why the choice ended: "stop" (end-of-text sampled: id is not part of the text),
 *                     "length" (id is the last token), "error"
 */
record TokenEvent(int choice, int id, float logprob, int[] topIds, float[] topLogprobs, int[] logitIds, float[] logits,
                  String finish) {
    static TokenEvent error(int choice) {
        return new TokenEvent(choice, -1, 0f, null, null, null, null, "error");
    }

    /** True when id is a generated token that belongs to the text. */
    boolean hasToken() { return id >= 0 && !"stop".equals(finish) && !"error".equals(finish); }
}
