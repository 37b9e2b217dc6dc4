package jgpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import jgpt.generate.Sampler;
import jgpt.generate.TokenListener;
import jgpt.inspect.TokenText;
import jgpt.tokenizer.Tokenizer;

/**
 * {@code gpt generate --json}: one JSON object per generated token, one per line (JSON Lines), with the probability
 * it was drawn with and the most likely candidates after temperature, top-k and top-p.
 */
final class TokenJsonPrinter implements TokenListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Tokenizer tokenizer;
    private final PrintStream out;
    private final int alternatives, sample;
    private int index;

    TokenJsonPrinter(Tokenizer tokenizer, PrintStream out, int alternatives, int sample) {
        this.tokenizer = tokenizer;
        this.out = out;
        this.alternatives = Math.max(0, alternatives);
        this.sample = sample;
    }

    @Override
    public void onToken(int token, float probability, float[] distribution) {
        throw new IllegalStateException("the generator reports tokens with their sampler");
    }

    @Override
    public void onToken(int token, Sampler sampler) {
        ObjectNode o = JSON.createObjectNode();
        if (sample > 0) o.put("sample", sample);
        o.put("index", index++).put("id", token).put("text", TokenText.of(tokenizer, token));
        o.put("probability", sampler.candidateProbability(rankOf(token, sampler)));
        o.put("model_probability", sampler.distribution()[token]);
        o.put("candidates", sampler.candidates());
        ArrayNode alts = o.putArray("alternatives");
        for (int r = 0; r < Math.min(alternatives, sampler.candidates()); r++) {
            int id = sampler.candidate(r);
            alts.addObject().put("id", id).put("text", TokenText.of(tokenizer, id)).put("probability", sampler.candidateProbability(r));
        }
        out.println(o);
        out.flush();
    }

    private static int rankOf(int token, Sampler s) {
        for (int r = 0; r < s.candidates(); r++) if (s.candidate(r) == token) return r;
        throw new IllegalStateException("token " + token + " is not among the sampler's candidates");
    }
}
