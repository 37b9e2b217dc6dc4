package jgpt.generate;

import jgpt.UserException;

/**
 * How to pick tokens.
 *
 * @param maxNewTokens how many tokens to generate at most
 * @param temperature  0 picks the most likely token (greedy); otherwise logits are divided by it
 * @param topK         keep only the k most likely tokens (0 = all)
 * @param topP         keep the smallest set of tokens whose probability reaches p (1 = all)
 * @param seed         seed of the sampling random generator (same seed, same text)
 */
public record GenerationConfig(int maxNewTokens, float temperature, int topK, float topP, long seed) {
    public GenerationConfig {
        if (maxNewTokens < 0) throw new UserException("--max-tokens must be >= 0, got " + maxNewTokens);
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) throw new UserException("--temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new UserException("--top-k must be >= 0 (0 = off), got " + topK);
        if (!(topP > 0f && topP <= 1f)) throw new UserException("--top-p must be in (0, 1], got " + topP);
    }

    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0f, 0, 1f, 0L);
    }
}
