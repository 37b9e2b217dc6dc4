package jgpt.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jgpt.UserException;

/**
 * How to decode, with Hugging Face generate()'s meaning: {@code maxLength} counts the decoder start token (HF
 * max_length), {@code badWords} are single token ids never generated (HF bad_words_ids, Marian bans its pad id),
 * {@code forcedEos} is forced as the last token at max_length (-1: none), {@code lengthPenalty} divides a finished
 * beam's summed log-probability by length^lengthPenalty.
 */
public record DecodingSettings(int beams, int maxLength, float lengthPenalty, int[] badWords, int forcedEos) {
    public DecodingSettings {
        if (beams < 1) throw new UserException("--beam must be >= 1, got " + beams);
        if (maxLength < 2) throw new UserException("--max-len must be >= 2 (the start token and one more), got " + maxLength);
    }

    public DecodingSettings withBeams(int b) { return new DecodingSettings(b, maxLength, lengthPenalty, badWords, forcedEos); }

    public DecodingSettings withMaxLength(int n) { return new DecodingSettings(beams, n, lengthPenalty, badWords, forcedEos); }

    public DecodingSettings withLengthPenalty(float a) { return new DecodingSettings(beams, maxLength, a, badWords, forcedEos); }

    /**
     * The folder's defaults: generation_config.json when present, else the same keys in config.json, else HF's
     * defaults (1 beam, length penalty 1, nothing banned), with max_length capped by the position table.
     */
    public static DecodingSettings of(Path dir, MarianConfig cfg) {
        JsonNode gen = json(dir.resolve("generation_config.json")), conf = json(dir.resolve("config.json"));
        JsonNode src = gen != null ? gen : conf;
        int beams = src != null && src.hasNonNull("num_beams") ? src.get("num_beams").asInt() : 1;
        int maxLength = src != null && src.hasNonNull("max_length") ? src.get("max_length").asInt() : cfg.maxPositions();
        float lp = src != null && src.hasNonNull("length_penalty") ? (float) src.get("length_penalty").asDouble() : 1f;
        java.util.List<Integer> bad = new java.util.ArrayList<>();
        if (src != null && src.path("bad_words_ids").isArray()) {
            for (JsonNode seq : src.get("bad_words_ids")) {
                if (seq.isArray() && seq.size() == 1) bad.add(seq.get(0).asInt());
                else throw new UserException(dir + ": bad_words_ids with multi-token sequences are not supported");
            }
        }
        int forced = src != null && src.hasNonNull("forced_eos_token_id") ? src.get("forced_eos_token_id").asInt() : -1;
        return new DecodingSettings(beams, Math.min(maxLength, cfg.maxPositions()), lp,
                bad.stream().mapToInt(Integer::intValue).toArray(), forced);
    }

    private static JsonNode json(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return MarianConfig.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserException(file + ": not valid JSON");
        }
    }
}
