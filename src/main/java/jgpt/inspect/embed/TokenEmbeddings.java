package jgpt.inspect.embed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import jgpt.UserException;
import jgpt.io.ModelFolder;
import jgpt.io.SafetensorsFile;
import jgpt.tokenizer.ByteLevelBpe;
import jgpt.tokenizer.Tokenizer;
import jgpt.tokenizer.Tokenizers;

/**
 * The token embedding matrix (wte, shape (V, C)) of a model folder with the tokenizer that names its rows.
 * Only wte is read, so a 124M-parameter model opens in a fraction of a second.
 * <pre>{@code
 * TokenEmbeddings emb = TokenEmbeddings.load(Path.of("models/gpt2"));
 * float[] king = emb.row(emb.tokenizer().encode(" king")[0]);
 * }</pre>
 */
public final class TokenEmbeddings {
    private final float[] weights; // (V, C) row-major
    private final int rows, dim;
    private final Tokenizer tokenizer;
    private final boolean[] usable;
    private final String[] texts;

    /** {@code weights} is (rows, dim) row-major; rows the tokenizer cannot produce are left out of every search. */
    public TokenEmbeddings(float[] weights, int rows, int dim, Tokenizer tokenizer) {
        if (weights.length != (long) rows * dim) throw new IllegalArgumentException("weights are not " + rows + "x" + dim);
        this.weights = weights;
        this.rows = rows;
        this.dim = dim;
        this.tokenizer = tokenizer;
        this.usable = new boolean[rows];
        this.texts = new String[rows];
        int n = Math.min(rows, tokenizer.vocabSize());
        for (int id = 0; id < n; id++) {
            boolean ok = !(tokenizer instanceof ByteLevelBpe b) || (b.hasToken(id) && !b.isSpecialToken(id));
            usable[id] = ok;
            texts[id] = TokenText.of(tokenizer, id);
        }
    }

    /** Reads {@code wte.weight} (or {@code transformer.wte.weight}) and the tokenizer of a model folder. */
    public static TokenEmbeddings load(Path modelDir) {
        Path weights = modelDir.resolve(ModelFolder.WEIGHTS);
        if (!Files.isDirectory(modelDir)) throw new UserException(modelDir + " is not a folder; give a model folder");
        if (!Files.isRegularFile(weights)) throw new UserException(modelDir + ": no " + ModelFolder.WEIGHTS + "; give a model folder");
        Tokenizer tokenizer = Tokenizers.load(modelDir);
        try (SafetensorsFile f = SafetensorsFile.open(weights)) {
            String key = f.contains("wte.weight") ? "wte.weight" : f.contains("transformer.wte.weight") ? "transformer.wte.weight" : null;
            if (key == null) throw new UserException(weights + ": no wte.weight tensor; this is not a GPT-2 checkpoint");
            int[] shape = f.shape(key);
            if (shape.length != 2) throw new UserException(weights + ": " + key + " has shape " + Arrays.toString(shape) + ", expected 2 dimensions");
            return new TokenEmbeddings(f.readFloats(key), shape[0], shape[1], tokenizer);
        }
    }

    public int rows() { return rows; }

    public int dim() { return dim; }

    public Tokenizer tokenizer() { return tokenizer; }

    /** Whether the id is a real, ordinary token (not padding, not a special token). */
    public boolean usable(int id) { return id >= 0 && id < rows && usable[id]; }

    /** The token as text for display: exact, with bytes of a split UTF-8 character escaped. */
    public String text(int id) { return texts[id]; }

    /** A copy of one row. */
    public float[] row(int id) {
        return Arrays.copyOfRange(weights, id * dim, (id + 1) * dim);
    }

    /** The raw matrix (V, C), row-major; not copied. */
    float[] weights() { return weights; }
}
