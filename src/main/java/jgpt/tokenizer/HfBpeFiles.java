package jgpt.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jgpt.UserException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face byte-level BPE files: {@code vocab.json} + {@code merges.txt} (GPT2Tokenizer) and
 * {@code tokenizer.json} (tokenizers library, model type BPE), read and written.
 * <pre>{@code
 * ByteLevelBpe bpe = HfBpeFiles.loadVocabMerges(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
 * HfBpeFiles.save(bpe, outDir);
 * }</pre>
 */
public final class HfBpeFiles {
    public static final String VOCAB = "vocab.json";
    public static final String MERGES = "merges.txt";
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private HfBpeFiles() {}

    // ------------------------------------------------------------------ reading

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new UserException(file + " does not exist; point to a folder with the tokenizer files");
        } catch (JacksonException e) {
            throw new UserException(file + " is not valid JSON (" + e.getOriginalMessage().replace('\n', ' ')
                    + "); the file is corrupt - re-download or re-save the tokenizer");
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Vocabulary token string (byte-level form) -> id, checking the shape of the JSON. */
    private static Map<String, Integer> vocabMap(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new UserException(where + " must be a JSON object {token: id}; the file is corrupt or not a"
                    + " BPE vocabulary");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isInt() || v.intValue() < 0 || v.intValue() > 50_000_000) {
                throw new UserException(where + ": token '" + e.getKey() + "' has id " + v
                        + ", expected a non-negative integer; the file is corrupt");
            }
            vocab.put(e.getKey(), v.intValue());
        }
        return vocab;
    }

    private static ByteLevelBpe build(Map<String, Integer> vocab, List<String[]> mergePairs, List<String> specials,
                                      List<Integer> specialIds, String vocabWhere, String mergesWhere) {
        int size = 0;
        for (int id : vocab.values()) {
            size = Math.max(size, id + 1);
        }
        byte[][] tokens = new byte[size][];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            byte[] bytes = ByteUnicode.decode(e.getKey());
            if (bytes == null) {
                if (!specials.contains(e.getKey())) {
                    throw new UserException(vocabWhere + ": token '" + e.getKey() + "' is not in GPT-2 byte-level"
                            + " form; only byte-level BPE vocabularies (GPT-2 style) are supported");
                }
                bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            }
            tokens[e.getValue()] = bytes;
        }
        int[][] merges = new int[mergePairs.size()][];
        for (int k = 0; k < merges.length; k++) {
            String[] p = mergePairs.get(k);
            Integer left = vocab.get(p[0]);
            Integer right = vocab.get(p[1]);
            if (left == null || right == null) {
                throw new UserException(mergesWhere + " merge " + (k + 1) + " refers to token '"
                        + (left == null ? p[0] : p[1]) + "' which is not in " + vocabWhere
                        + "; the vocab and merges do not match - use files from the same tokenizer");
            }
            merges[k] = new int[] {left, right};
        }
        try {
            return ByteLevelBpe.fromMerges(tokens, merges, specials, specialIds);
        } catch (UserException e) {
            throw new UserException(vocabWhere + " / " + mergesWhere + ": " + e.getMessage(), e);
        }
    }

    /** Loads GPT2Tokenizer files; {@code <|endoftext|>} (if in the vocab) becomes the special token. */
    public static ByteLevelBpe loadVocabMerges(Path vocabFile, Path mergesFile) {
        Map<String, Integer> vocab = vocabMap(readJson(vocabFile), vocabFile.toString());
        List<String> lines;
        try {
            lines = Files.readAllLines(mergesFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserException(mergesFile + " does not exist; a vocab.json needs its merges.txt next to it");
        } catch (IOException e) {
            throw new UserException("cannot read " + mergesFile + " as UTF-8 text: " + e.getMessage());
        }
        List<String[]> pairs = new ArrayList<>();
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.startsWith("#version") || line.isEmpty()) {
                continue;
            }
            String[] p = line.split(" ", -1);
            if (p.length != 2 || p[0].isEmpty() || p[1].isEmpty()) {
                throw new UserException(mergesFile + " line " + lineNo + " must hold two tokens separated by one"
                        + " space, got '" + line + "'; the merges file is corrupt");
            }
            pairs.add(p);
        }
        List<String> specials = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        Integer eot = vocab.get(ByteLevelBpe.END_OF_TEXT);
        if (eot != null) {
            specials.add(ByteLevelBpe.END_OF_TEXT);
            ids.add(eot);
        }
        return build(vocab, pairs, specials, ids, vocabFile.toString(), mergesFile.toString());
    }

    /** Loads a tokenizers-library {@code tokenizer.json} whose model is byte-level BPE. */
    public static ByteLevelBpe loadTokenizerJson(Path file) {
        JsonNode root = readJson(file);
        String where = file.toString();
        JsonNode model = root.path("model");
        String type = model.path("type").asText("BPE");
        if (!model.isObject() || !type.equals("BPE")) {
            throw new UserException(where + ": model type '" + type + "' is not supported; only byte-level BPE"
                    + " (GPT-2 style) tokenizers can be used");
        }
        JsonNode pre = root.path("pre_tokenizer");
        if (!pre.isObject() || !pre.path("type").asText().equals("ByteLevel") || !pre.path("use_regex").asBoolean(true)
                || pre.path("add_prefix_space").asBoolean(false)) {
            throw new UserException(where + ": pre_tokenizer is not GPT-2's ByteLevel (use_regex, no prefix space);"
                    + " this tokenizer cannot be reproduced exactly - use a GPT-2 style tokenizer");
        }
        if (!root.path("normalizer").isMissingNode() && !root.path("normalizer").isNull()) {
            throw new UserException(where + ": a normalizer is set, which GPT-2 style tokenizers do not use;"
                    + " this tokenizer is not supported");
        }
        Map<String, Integer> vocab = vocabMap(model.get("vocab"), where + " model.vocab");
        JsonNode mergesNode = model.get("merges");
        if (mergesNode == null || !mergesNode.isArray()) {
            throw new UserException(where + ": model.merges must be an array; the file is corrupt");
        }
        List<String[]> pairs = new ArrayList<>();
        int k = 0;
        for (JsonNode m : mergesNode) {
            k++;
            String[] p;
            if (m.isTextual()) {
                p = m.asText().split(" ", -1);
            } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
                p = new String[] {m.get(0).asText(), m.get(1).asText()};
            } else {
                p = new String[0];
            }
            if (p.length != 2 || p[0].isEmpty() || p[1].isEmpty()) {
                throw new UserException(where + ": model.merges entry " + k + " (" + m + ") must be \"a b\" or"
                        + " [\"a\", \"b\"]; the file is corrupt");
            }
            pairs.add(p);
        }
        List<String> specials = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            if (!t.path("id").isInt() || !t.path("content").isTextual()) {
                throw new UserException(where + ": added_tokens entry " + t + " needs an integer id and a content"
                        + " string; the file is corrupt");
            }
            specials.add(t.get("content").asText());
            ids.add(t.get("id").intValue());
            vocab.putIfAbsent(t.get("content").asText(), t.get("id").intValue());
        }
        return build(vocab, pairs, specials, ids, where + " model.vocab", where + " model.merges");
    }

    // ------------------------------------------------------------------ writing

    /** Writes vocab.json, merges.txt, tokenizer.json, tokenizer_config.json, special_tokens_map.json. */
    public static void save(ByteLevelBpe bpe, Path dir) throws IOException {
        Files.createDirectories(dir);
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode vocab = f.objectNode();
        for (int id = 0; id < bpe.vocabSize(); id++) {
            byte[] t = bpe.tokenBytes(id);
            if (bpe.isSpecialToken(id) || !bpe.hasToken(id)) {
                continue;
            }
            vocab.put(ByteUnicode.encode(t), id);
        }
        List<String> specials = bpe.specialTokens();
        int[] specialIds = bpe.specialTokenIds();
        for (int i = 0; i < specials.size(); i++) {
            vocab.put(specials.get(i), specialIds[i]);
        }
        int[][] merges = bpe.merges();
        StringBuilder mergesTxt = new StringBuilder("#version: 0.2\n");
        ArrayNode mergesJson = f.arrayNode();
        for (int[] m : merges) {
            String line = ByteUnicode.encode(bpe.tokenBytes(m[0])) + " " + ByteUnicode.encode(bpe.tokenBytes(m[1]));
            mergesTxt.append(line).append('\n');
            mergesJson.add(line);
        }
        Files.writeString(dir.resolve(VOCAB), JSON.writeValueAsString(vocab), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(MERGES), mergesTxt, StandardCharsets.UTF_8);

        ObjectNode root = f.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < specials.size(); i++) {
            ObjectNode t = added.addObject();
            t.put("id", specialIds[i]);
            t.put("content", specials.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", true);
            t.put("special", true);
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(f, false, true));
        root.set("post_processor", byteLevel(f, true, false));
        root.set("decoder", byteLevel(f, true, true));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.set("vocab", vocab);
        model.set("merges", mergesJson);
        Files.writeString(dir.resolve(TOKENIZER_JSON), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root),
                StandardCharsets.UTF_8);

        int eot = bpe.endOfTextId();
        ObjectNode map = f.objectNode();
        ObjectNode config = f.objectNode();
        config.put("add_prefix_space", false);
        for (String key : new String[] {"bos_token", "eos_token", "unk_token"}) {
            if (eot >= 0) {
                map.put(key, ByteLevelBpe.END_OF_TEXT);
                config.put(key, ByteLevelBpe.END_OF_TEXT);
            } else {
                config.putNull(key);
            }
        }
        config.put("tokenizer_class", "GPT2Tokenizer");
        Files.writeString(dir.resolve(TOKENIZER_CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config),
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(SPECIAL_TOKENS_MAP), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(map),
                StandardCharsets.UTF_8);
    }

    private static ObjectNode byteLevel(JsonNodeFactory f, boolean addPrefixSpace, boolean trimOffsets) {
        ObjectNode n = f.objectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", addPrefixSpace);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", true);
        return n;
    }
}
