package jgpt.serve;

import java.util.List;

/**
 * The generation parameters shared by /v1/completions and /v1/chat/completions, validated.
 *
 * @param maxTokens    tokens to generate at most per choice; -1: up to the end of the context
 * @param seed         null: a fresh random seed per request (choice i uses seed + i)
 * @param topLogprobs  alternatives reported per token; -1: no logprobs at all
 * @param topLogits    raw logits reported per token (the page's extension); 0: none
 */
record Sampling(int maxTokens, float temperature, float topP, int topK, Long seed, List<String> stop, int n,
                boolean stream, boolean includeUsage, int topLogprobs, int topLogits) {
    static final int MAX_N = 16;
    static final int MAX_TOP_LOGPROBS = 20;

    /** Reads the fields both endpoints share; maxTokensField is max_tokens or max_completion_tokens. */
    static Sampling read(Params p, int defaultMaxTokens, int vocab, int topLogprobs) {
        int maxTokens = (int) p.integer("max_tokens", defaultMaxTokens, 1, Integer.MAX_VALUE);
        if (p.has("max_completion_tokens")) {
            if (p.has("max_tokens")) throw ApiException.invalid("max_completion_tokens", "give max_tokens or max_completion_tokens, not both");
            maxTokens = (int) p.integer("max_completion_tokens", -1, 1, Integer.MAX_VALUE);
        }
        float temperature = (float) p.number("temperature", 1.0, 0, false, 2);
        float topP = (float) p.number("top_p", 1.0, 0, true, 1);
        int topK = (int) p.integer("top_k", 0, 0, vocab);
        Long seed = p.has("seed") ? p.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE) : null;
        List<String> stop = p.strings("stop", 4);
        int n = (int) p.integer("n", 1, 1, MAX_N);
        boolean stream = p.bool("stream", false);
        boolean includeUsage = false;
        if (p.has("stream_options")) {
            var so = p.node("stream_options");
            if (!so.isObject()) throw ApiException.invalid("stream_options", "invalid_type", "'stream_options' must be an object");
            if (!stream) throw ApiException.invalid("stream_options", "'stream_options' is only allowed with stream: true");
            for (var it = so.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("include_usage")) throw ApiException.invalid("stream_options." + f, "unknown_parameter", "Unrecognized stream option: " + f);
            }
            var iu = so.get("include_usage");
            if (iu != null && !iu.isNull()) {
                if (!iu.isBoolean()) throw ApiException.invalid("stream_options.include_usage", "invalid_type", "'include_usage' must be a boolean");
                includeUsage = iu.asBoolean();
            }
        }
        int topLogits = (int) p.integer("top_logits", 0, 1, vocab);
        p.onlyNeutral("frequency_penalty", 0);
        p.onlyNeutral("presence_penalty", 0);
        p.unsupported("logit_bias");
        return new Sampling(maxTokens, temperature, topP, topK, seed, stop, n, stream, includeUsage, topLogprobs, topLogits);
    }

    Sampling withMaxTokens(int m) {
        return new Sampling(m, temperature, topP, topK, seed, stop, n, stream, includeUsage, topLogprobs, topLogits);
    }
}
