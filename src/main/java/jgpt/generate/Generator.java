package jgpt.generate;

import jgpt.UserException;
import jgpt.model.Decoder;
import jgpt.model.Gpt;
import jgpt.model.WeightFormat;

/**
 * Autoregressive generation with a KV cache. The prompt is fed once (a batched prefill); each new token costs one
 * decoder step.
 * When the context fills up, the cache is rebuilt from the most recent half of the context (so generation can
 * run past block_size, conditioning on a sliding window, as nanoGPT's crop does).
 * <pre>{@code
 * int[] out = new Generator(model).generate(prompt, GenerationConfig.greedy(20), -1, null);
 * }</pre>
 */
public final class Generator {
    private final Gpt model;
    private final Decoder decoder;

    public Generator(Gpt model) {
        this(model, WeightFormat.F32);
    }

    /** With bf16 or int8 weights the decoder streams half or a quarter of the bytes per token. */
    public Generator(Gpt model, WeightFormat weights) {
        this.model = model;
        this.decoder = new Decoder(model, weights);
    }

    /**
     * Generates up to {@code cfg.maxNewTokens()} tokens after {@code prompt}; stops early after emitting
     * {@code endOfText} (pass -1 for no stop token) or when the listener asks to. Returns only the new tokens.
     */
    public int[] generate(int[] prompt, GenerationConfig cfg, int endOfText, TokenListener listener) {
        int block = model.config().blockSize(), vocab = model.config().vocabSize();
        if (prompt.length == 0) throw new UserException("the prompt is empty; give at least one token");
        if (prompt.length > block) {
            throw new UserException("the prompt is " + prompt.length + " tokens but the model's context is " + block + "; shorten the prompt");
        }
        for (int id : prompt) {
            if (id < 0 || id >= vocab) throw new UserException("token id " + id + " is outside the model's vocabulary [0, " + vocab + ")");
        }
        Sampler sampler = new Sampler(cfg, vocab);
        int[] history = new int[prompt.length + cfg.maxNewTokens()];
        System.arraycopy(prompt, 0, history, 0, prompt.length);
        int len = prompt.length;
        decoder.reset();
        float[] logits = decoder.prefill(prompt);
        int produced = 0;
        while (produced < cfg.maxNewTokens()) {
            int next = sampler.sample(logits);
            history[len++] = next;
            produced++;
            if (listener != null) listener.onToken(next, sampler);
            if (next == endOfText || produced == cfg.maxNewTokens() || (listener != null && listener.stopRequested())) break;
            if (decoder.cache().isFull()) {
                decoder.reset();
                int keep = Math.max(1, block / 2);
                if (keep > 1) decoder.prefill(java.util.Arrays.copyOfRange(history, len - keep, len - 1));
            }
            logits = decoder.next(next);
        }
        return java.util.Arrays.copyOfRange(history, prompt.length, prompt.length + produced);
    }
}
