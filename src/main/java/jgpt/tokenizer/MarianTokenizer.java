package jgpt.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jgpt.UserException;
import jgpt.io.AtomicFiles;

/**
 * The tokenizer of a Marian (opus-mt) folder, as Hugging Face's {@code MarianTokenizer} does it: source text is cut at
 * literal special tokens ({@code </s> <unk> <pad>}), a leading {@code >>lang<<} code is kept as one token, the rest
 * becomes {@code source.spm} pieces, pieces become ids through {@code vocab.json} (unknown pieces → {@code <unk>}) and
 * {@code </s>} is appended. Decoding maps ids back to pieces through the vocabulary (the target one when the folder
 * has a separate {@code target_vocab.json}) and joins them with {@code target.spm}, special tokens skipped or
 * kept as text.
 * <pre>{@code
 * MarianTokenizer tok = MarianTokenizer.load(Path.of("opus-mt-es-en"));
 * int[] src = tok.encode("¿Dónde está la biblioteca?");   // ends with tok.eosId()
 * String english = tok.decode(generatedIds);              // special tokens skipped
 * }</pre>
 */
public final class MarianTokenizer implements Tokenizer {
    public static final String SOURCE_SPM = "source.spm", TARGET_SPM = "target.spm", VOCAB = "vocab.json",
            TARGET_VOCAB = "target_vocab.json", CONFIG = "tokenizer_config.json";

    private final Path folder;
    private final SentencePieceTokenizer source, target;
    private final Map<String, Integer> encoder;
    private final Map<Integer, String> decoder;
    private final boolean separateVocabs;
    private final String unk, eos, pad;
    private final List<String> specials;
    private final boolean cleanUpSpaces;

    private MarianTokenizer(Path folder, SentencePieceTokenizer source, SentencePieceTokenizer target,
                            Map<String, Integer> encoder, Map<String, Integer> targetEncoder, JsonNode config) {
        this.folder = folder;
        this.source = source;
        this.target = target;
        this.encoder = encoder;
        this.separateVocabs = targetEncoder != null;
        this.decoder = new HashMap<>();
        (separateVocabs ? targetEncoder : encoder).forEach((k, v) -> decoder.put(v, k));
        this.unk = text(config, "unk_token", "<unk>");
        this.eos = text(config, "eos_token", "</s>");
        this.pad = text(config, "pad_token", "<pad>");
        this.specials = new ArrayList<>(List.of(eos, unk, pad));
        JsonNode extra = config.path("additional_special_tokens");
        for (JsonNode t : extra) specials.add(t.isTextual() ? t.asText() : t.path("content").asText());
        this.cleanUpSpaces = config.path("clean_up_tokenization_spaces").asBoolean(false);
        for (String s : List.of(unk, eos, pad)) {
            if (!encoder.containsKey(s)) throw new UserException(folder.resolve(VOCAB) + " has no entry for " + s + "; is it a Marian vocabulary?");
        }
    }

    /**
     * Loads {@code source.spm}, {@code target.spm}, {@code vocab.json} and, when present, {@code target_vocab.json}
     * (used when {@code tokenizer_config.json} says {@code separate_vocabs}, or does not say and the file exists) and
     * the special tokens of {@code tokenizer_config.json}.
     */
    public static MarianTokenizer load(Path folder) {
        for (String f : List.of(SOURCE_SPM, TARGET_SPM, VOCAB)) {
            if (!Files.isRegularFile(folder.resolve(f))) {
                throw new UserException(folder + " has no " + f + "; a Marian (opus-mt) folder needs source.spm, target.spm and vocab.json");
            }
        }
        JsonNode config = Files.isRegularFile(folder.resolve(CONFIG)) ? readJson(folder.resolve(CONFIG)) : new ObjectMapper().createObjectNode();
        boolean hasTargetVocab = Files.isRegularFile(folder.resolve(TARGET_VOCAB));
        boolean separate = config.has("separate_vocabs") ? config.get("separate_vocabs").asBoolean() : hasTargetVocab;
        if (separate && !hasTargetVocab) throw new UserException(folder.resolve(CONFIG) + " sets separate_vocabs but " + TARGET_VOCAB + " is missing");
        return new MarianTokenizer(folder, SentencePieceTokenizer.load(folder.resolve(SOURCE_SPM)),
                SentencePieceTokenizer.load(folder.resolve(TARGET_SPM)), vocab(folder.resolve(VOCAB)),
                separate ? vocab(folder.resolve(TARGET_VOCAB)) : null, config);
    }

    /** True when this folder looks like a Marian tokenizer folder. */
    public static boolean isMarianFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(SOURCE_SPM)) && Files.isRegularFile(folder.resolve(VOCAB));
    }

    /** Source-side tokens of {@code text} (language code, pieces and literal special tokens), without {@code </s>}. */
    public List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); ) {
            String match = null;
            for (String s : specials) if (text.startsWith(s, i) && (match == null || s.length() > match.length())) match = s;
            if (match == null) {
                i++;
                continue;
            }
            pieces(text.substring(start, i), tokens);
            tokens.add(match);
            i += match.length();
            start = i;
        }
        pieces(text.substring(start), tokens);
        return tokens;
    }

    private void pieces(String part, List<String> tokens) {
        if (part.isEmpty()) return;
        int end = part.startsWith(">>") ? part.indexOf("<<") : -1;
        if (end >= 0) { // a target-language code such as >>fr<< stays one token
            tokens.add(part.substring(0, end + 2));
            part = part.substring(end + 2);
        }
        tokens.addAll(source.encodeAsPieces(part));
    }

    /** Source ids: {@link #tokenize} through vocab.json ({@code <unk>} for tokens it lacks), then {@code </s>}. */
    @Override
    public int[] encode(String text) {
        List<String> tokens = tokenize(text);
        int[] ids = new int[tokens.size() + 1];
        int unkId = encoder.get(unk);
        for (int i = 0; i < tokens.size(); i++) ids[i] = encoder.getOrDefault(tokens.get(i), unkId);
        ids[tokens.size()] = eosId();
        return ids;
    }

    /** Target text with special tokens skipped (what translation prints). */
    @Override
    public String decode(int[] ids) {
        return decode(ids, true);
    }

    /**
     * Target ids to text: ids → vocabulary entries ({@code <unk>} for an id it lacks) → {@code target.spm} decoding;
     * special tokens are dropped when {@code skipSpecialTokens}, else printed followed by a space; the result is stripped.
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder out = new StringBuilder();
        List<String> run = new ArrayList<>();
        for (int id : ids) {
            if (skipSpecialTokens && isSpecialId(id)) continue;
            String token = decoder.getOrDefault(id, unk);
            if (specials.contains(token)) {
                out.append(target.decodePieces(run)).append(token).append(' ');
                run.clear();
            } else {
                run.add(token);
            }
        }
        out.append(target.decodePieces(run));
        String text = out.toString().replace('\u2581', ' ').strip();
        return cleanUpSpaces ? cleanUp(text) : text;
    }

    private boolean isSpecialId(int id) {
        for (String s : specials) {
            Integer sid = encoder.get(s);
            if (sid != null && sid == id) return true;
        }
        return false;
    }

    /** Hugging Face's clean_up_tokenization (only when tokenizer_config.json asks for it). */
    private static String cleanUp(String s) {
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
    }

    public int eosId() { return encoder.get(eos); }

    public int padId() { return encoder.get(pad); }

    public int unkId() { return encoder.get(unk); }

    /** Entries of vocab.json (HF's {@code vocab_size}); the model's embedding must have at least this many rows. */
    @Override
    public int vocabSize() { return encoder.size(); }

    /** Entries of the target vocabulary (= {@link #vocabSize()} unless the folder has a separate target_vocab.json). */
    public int targetVocabSize() { return decoder.size(); }

    public boolean separateVocabs() { return separateVocabs; }

    /** The source-side SentencePiece model. */
    public SentencePieceTokenizer sourceModel() { return source; }

    /** The target-side SentencePiece model. */
    public SentencePieceTokenizer targetModel() { return target; }

    @Override
    public int endOfTextId() { return eosId(); }

    /** Copies the tokenizer files of the folder this was loaded from into {@code modelDir}. */
    @Override
    public void save(Path modelDir) throws IOException {
        for (String f : List.of(SOURCE_SPM, TARGET_SPM, VOCAB, TARGET_VOCAB, CONFIG)) {
            Path src = folder.resolve(f);
            if (Files.isRegularFile(src) && !src.toAbsolutePath().normalize().equals(modelDir.resolve(f).toAbsolutePath().normalize())) {
                AtomicFiles.write(modelDir.resolve(f), Files.readAllBytes(src));
            }
        }
    }

    private static Map<String, Integer> vocab(Path file) {
        JsonNode json = readJson(file);
        if (!json.isObject()) throw new UserException(file + " is not a JSON object of token -> id");
        Map<String, Integer> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw new UserException(file + ": the id of " + e.getKey() + " is not a non-negative integer");
            }
            map.put(e.getKey(), e.getValue().asInt());
        }
        return map;
    }

    private static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UserException("cannot read " + file + " as JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static String text(JsonNode config, String key, String fallback) {
        JsonNode n = config.get(key);
        if (n == null || n.isNull()) return fallback;
        return n.isTextual() ? n.asText() : n.path("content").asText(fallback);
    }
}
