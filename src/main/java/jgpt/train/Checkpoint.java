package jgpt.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jgpt.UserException;
import jgpt.io.AtomicFiles;
import jgpt.io.DType;
import jgpt.io.IOConsumer;
import jgpt.io.ModelFolder;
import jgpt.io.SafetensorsFile;
import jgpt.io.SafetensorsWriter;
import jgpt.model.Gpt;

/**
 * A resumable training checkpoint: a Hugging Face model folder (config.json, model.safetensors, tokenizer files)
 * plus optimizer.safetensors (AdamW moments), trainer_state.json (step, random state, settings) and loss.csv.
 * The folder is replaced atomically, so a crash leaves either the previous checkpoint or the new one.
 */
public final class Checkpoint {
    private Checkpoint() {}

    public static final int FORMAT_VERSION = 1;
    public static final String STATE = "trainer_state.json";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String LOG = "loss.csv";

    /** Everything besides tensors needed to continue a run exactly. {@code run} holds free-form facts (data, tokenizer). */
    public record State(int formatVersion, int step, long rngState, TrainConfig train, Map<String, String> run) {}

    /** A loaded checkpoint. */
    public record Loaded(Gpt model, float[] m, float[] v, int optimizerSteps, State state, LossLog log) {}

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The write of a checkpoint, to run later (on another thread): the state, the log and the optimizer's step
     * count are captured now; weights and moments (m, v) are read as it runs, so they must stay unchanged until it ends.
     */
    static BackgroundWrite.Write write(Path dir, Gpt model, float[] m, float[] v, int optimizerSteps, State state,
                                      LossLog log, int endOfText, IOConsumer<Path> extraFiles) throws IOException {
        String stateJson = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state) + "\n";
        String logCsv = log.toCsv();
        String optimizerStep = Integer.toString(optimizerSteps);
        return () -> AtomicFiles.replaceDirectory(dir, tmp -> {
            ModelFolder.writeModel(tmp, model, DType.F32, endOfText);
            new SafetensorsWriter(DType.F32)
                    .metadata("step", optimizerStep)
                    .addFloats("exp_avg", new int[] {m.length}, m, 0)
                    .addFloats("exp_avg_sq", new int[] {v.length}, v, 0)
                    .write(tmp.resolve(OPTIMIZER));
            AtomicFiles.writeString(tmp.resolve(STATE), stateJson);
            AtomicFiles.writeString(tmp.resolve(LOG), logCsv);
            if (extraFiles != null) extraFiles.accept(tmp);
        });
    }

    /** Whether {@code dir} holds a resumable checkpoint. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE)) && Files.isRegularFile(dir.resolve(OPTIMIZER));
    }

    public static Loaded load(Path dir) {
        try {
            AtomicFiles.recoverDirectory(dir);
        } catch (IOException e) {
            throw new UserException(dir + ": cannot recover an interrupted checkpoint write (" + e.getMessage() + ")");
        }
        if (!exists(dir)) {
            throw new UserException(dir + ": no resumable checkpoint (needs " + STATE + " and " + OPTIMIZER + "); start a run without --resume");
        }
        State state;
        try {
            state = JSON.readValue(dir.resolve(STATE).toFile(), State.class);
        } catch (IOException e) {
            throw new UserException(dir.resolve(STATE) + ": unreadable (" + e.getMessage().split("\n")[0] + ")");
        }
        if (state.formatVersion() != FORMAT_VERSION) {
            throw new UserException(dir + ": checkpoint format " + state.formatVersion() + " is not supported (expected " + FORMAT_VERSION + ")");
        }
        Gpt model = ModelFolder.loadModel(dir);
        float[] m, v;
        int steps;
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(OPTIMIZER))) {
            m = f.readFloats("exp_avg");
            v = f.readFloats("exp_avg_sq");
            steps = Integer.parseInt(f.metadata().getOrDefault("step", "-1"));
        } catch (NumberFormatException e) {
            throw new UserException(dir.resolve(OPTIMIZER) + ": bad step metadata");
        }
        if (m.length != model.parameters().count() || v.length != m.length) {
            throw new UserException(dir.resolve(OPTIMIZER) + ": optimizer state does not match the model (" + m.length
                    + " vs " + model.parameters().count() + " values)");
        }
        LossLog log = new LossLog();
        Path logFile = dir.resolve(LOG);
        if (Files.isRegularFile(logFile)) {
            try {
                log = LossLog.fromCsv(Files.readString(logFile), logFile.toString());
            } catch (IOException e) {
                throw new UserException(logFile + ": unreadable (" + e.getMessage() + ")");
            }
        }
        return new Loaded(model, m, v, steps, state, log);
    }
}
