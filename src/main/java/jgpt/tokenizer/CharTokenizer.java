package jgpt.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jgpt.UserException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Character-level tokenizer like nanoGPT's shakespeare_char: the sorted distinct code points of a
 * training text get ids 0..n-1. Saved as {@code char_tokenizer.json} = {@code {"type":"char","chars":[...]}}
 * (our own format: Hugging Face has no char model that decodes without separators faithfully).
 * <pre>{@code
 * CharTokenizer tok = CharTokenizer.fromText(trainingText);
 * int[] ids = tok.encode("To be");
 * }</pre>
 */
public final class CharTokenizer implements Tokenizer {
    public static final String FILE = "char_tokenizer.json";

    /** Sorted distinct code points; the index is the id. */
    private final int[] codePoints;
    private final int[] ascii = new int[128];

    private CharTokenizer(int[] sortedCodePoints) {
        this.codePoints = sortedCodePoints;
        Arrays.fill(ascii, -1);
        for (int i = 0; i < codePoints.length && codePoints[i] < 128; i++) {
            ascii[codePoints[i]] = i;
        }
    }

    /** Vocabulary = the sorted distinct characters (Unicode code points) of {@code text}. */
    public static CharTokenizer fromText(String text) {
        return new CharTokenizer(text.codePoints().distinct().sorted().toArray());
    }

    @Override
    public int vocabSize() {
        return codePoints.length;
    }

    @Override
    public int endOfTextId() {
        return -1;
    }

    /** The character (code point) of each id. */
    public int[] codePoints() {
        return codePoints.clone();
    }

    /** Encodes each code point; throws {@link UserException} for a character outside the vocabulary. */
    @Override
    public int[] encode(String text) {
        IntList out = new IntList(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int id = cp < 128 ? ascii[cp] : Arrays.binarySearch(codePoints, cp);
            if (id < 0) {
                throw new UserException(String.format("character '%s' (U+%04X) at index %d is not in this"
                        + " character-level vocabulary (%d chars); the model was trained on a different alphabet -"
                        + " remove the character or use the model's training alphabet", Character.toString(cp), cp,
                        i, codePoints.length));
            }
            out.add(id);
            i += Character.charCount(cp);
        }
        return out.toArray();
    }

    /** Decodes ids; an id outside the vocabulary becomes U+FFFD. */
    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            sb.appendCodePoint(id >= 0 && id < codePoints.length ? codePoints[id] : 0xFFFD);
        }
        return sb.toString();
    }

    @Override
    public void save(Path modelDir) throws IOException {
        Files.createDirectories(modelDir);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("type", "char");
        ArrayNode chars = root.putArray("chars");
        for (int cp : codePoints) {
            chars.add(Character.toString(cp));
        }
        Files.writeString(modelDir.resolve(FILE), json.writerWithDefaultPrettyPrinter().writeValueAsString(root),
                StandardCharsets.UTF_8);
    }

    /** Reads a {@code char_tokenizer.json}; throws {@link UserException} when missing or malformed. */
    public static CharTokenizer load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new UserException(file + " does not exist; save the character tokenizer with the model");
        } catch (JacksonException e) {
            throw new UserException(file + " is not valid JSON (" + e.getOriginalMessage().replace('\n', ' ')
                    + "); the file is corrupt - re-create it from the training text");
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
        if (root == null || !root.path("type").asText().equals("char") || !root.path("chars").isArray()) {
            throw new UserException(file + " must be {\"type\":\"char\",\"chars\":[...]}; the file is corrupt");
        }
        int[] cps = new int[root.get("chars").size()];
        int i = 0;
        for (JsonNode c : root.get("chars")) {
            String s = c.asText();
            if (!c.isTextual() || s.isEmpty() || s.codePointCount(0, s.length()) != 1) {
                throw new UserException(file + ": entry " + i + " (" + c + ") must be a one-character string;"
                        + " the file is corrupt");
            }
            cps[i] = s.codePointAt(0);
            if (i > 0 && cps[i] <= cps[i - 1]) {
                throw new UserException(file + ": chars must be sorted and distinct (entry " + i + " is not);"
                        + " the file is corrupt");
            }
            i++;
        }
        return new CharTokenizer(cps);
    }
}
