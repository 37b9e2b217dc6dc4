package jgpt.translate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jgpt.UserException;
import jgpt.io.AtomicFiles;
import jgpt.io.PyTorchCheckpoint;
import jgpt.io.SafetensorsFile;
import jgpt.io.SafetensorsWriter;
import jgpt.nn.Parameters;
import jgpt.tensor.Tensor;

/**
 * Reads and writes a Marian model folder (config.json + model.safetensors) in Hugging Face's layout. Folders that
 * ship only PyTorch's pytorch_model.bin (most opus-mt ones) are read from it directly, through the safe pickle reader.
 * The shared embedding may be stored under any of its tied names (checked equal when several are present); the
 * sinusoidal tables, when present, must equal the computed one; a missing final_logits_bias means zeros, as in HF.
 */
public final class MarianCheckpoint {
    private MarianCheckpoint() {}

    public static final String CONFIG = "config.json", WEIGHTS = "model.safetensors", PYTORCH_WEIGHTS = "pytorch_model.bin";
    static final List<String> TIED = List.of(MarianModel.SHARED, "model.encoder.embed_tokens.weight",
            "model.decoder.embed_tokens.weight", "lm_head.weight");
    static final List<String> TABLES = List.of(MarianModel.POSITIONS, "model.decoder.embed_positions.weight");

    public static MarianConfig readConfig(Path dir) {
        if (!Files.isDirectory(dir)) throw new UserException(dir + ": model folder not found");
        return MarianConfig.read(dir.resolve(CONFIG));
    }

    public static MarianModel load(Path dir, boolean trainable) {
        MarianConfig cfg = readConfig(dir);
        Path weights = dir.resolve(WEIGHTS), bin = dir.resolve(PYTORCH_WEIGHTS);
        MarianModel model = new MarianModel(cfg, trainable);
        if (Files.isRegularFile(weights)) {
            try (SafetensorsFile f = SafetensorsFile.open(weights)) {
                read(WeightSource.of(f), model, weights.toString());
            }
        } else if (Files.isRegularFile(bin)) {
            try (PyTorchCheckpoint f = PyTorchCheckpoint.open(bin)) {
                read(WeightSource.of(f), model, bin.toString());
            }
        } else {
            throw new UserException(dir + ": no " + WEIGHTS + " or " + PYTORCH_WEIGHTS + " (the folder holds no weights)");
        }
        return model;
    }

    /** The few reads the loader needs, from either weights format. */
    private interface WeightSource {
        Set<String> names();

        int[] shape(String name);

        float[] readFloats(String name);

        default boolean contains(String name) { return names().contains(name); }

        default void readFloats(String name, float[] dst, int off) {
            float[] v = readFloats(name);
            System.arraycopy(v, 0, dst, off, v.length);
        }

        static WeightSource of(SafetensorsFile f) {
            return new WeightSource() {
                public Set<String> names() { return f.names(); }

                public int[] shape(String name) { return f.shape(name); }

                public float[] readFloats(String name) { return f.readFloats(name); }

                @Override
                public void readFloats(String name, float[] dst, int off) { f.readFloats(name, dst, off); }
            };
        }

        static WeightSource of(PyTorchCheckpoint f) {
            return new WeightSource() {
                public Set<String> names() { return f.names(); }

                public int[] shape(String name) { return f.shape(name); }

                public float[] readFloats(String name) { return f.readFloats(name); }
            };
        }
    }

    private static void read(WeightSource f, MarianModel model, String label) {
        Set<String> used = new HashSet<>();
        readShared(f, model.shared, label, used);
        checkTables(f, model.positions, label, used);
        if (f.contains(MarianModel.LOGITS_BIAS)) {
            readInto(f, MarianModel.LOGITS_BIAS, model.logitsBias, label, new int[] {1, model.config().vocabSize()});
            used.add(MarianModel.LOGITS_BIAS);
        }
        for (Parameters.Entry e : model.parameters().entries()) {
            if (used.contains(e.name()) || e.tensor() == model.logitsBias || e.tensor() == model.positions) continue; // computed, not stored
            if (!f.contains(e.name())) throw new UserException(label + ": missing tensor " + e.name() + " (config.json describes a model this file does not match)");
            readInto(f, e.name(), e.tensor(), label, e.tensor().shape().dims());
            used.add(e.name());
        }
        for (String name : f.names()) {
            if (!used.contains(name)) throw new UserException(label + ": unknown tensor " + name + " (not part of a Marian model with this config.json)");
        }
    }

    private static void readShared(WeightSource f, Tensor shared, String label, Set<String> used) {
        float[] first = null;
        String firstName = null;
        for (String name : TIED) {
            if (!f.contains(name)) continue;
            readInto(f, name, shared, label, shared.shape().dims());
            float[] v = shared.toArray();
            if (first == null) {
                first = v;
                firstName = name;
            } else if (!Arrays.equals(first, v)) {
                throw new UserException(label + ": " + name + " differs from " + firstName + "; Marian ties them (one shared embedding)");
            }
            used.add(name);
        }
        if (first == null) throw new UserException(label + ": no token embedding (" + String.join(", ", TIED) + ")");
        System.arraycopy(first, 0, shared.data(), shared.offset(), first.length);
    }

    private static void checkTables(WeightSource f, Tensor table, String label, Set<String> used) {
        float[] expected = table.toArray();
        for (String name : TABLES) {
            if (!f.contains(name)) continue;
            int[] shape = f.shape(name);
            if (!Arrays.equals(shape, table.shape().dims())) {
                throw new UserException(label + ": " + name + " has shape " + Arrays.toString(shape) + ", config.json implies " + table.shape());
            }
            float[] stored = f.readFloats(name);
            for (int i = 0; i < stored.length; i++) {
                if (Math.abs(stored[i] - expected[i]) > 1e-6f) {
                    throw new UserException(label + ": " + name + " is not Marian's sinusoidal table (element " + i + ": "
                            + stored[i] + " vs " + expected[i] + ")");
                }
            }
            used.add(name);
        }
    }

    private static void readInto(WeightSource f, String name, Tensor t, String label, int[] shape) {
        int[] stored = f.shape(name);
        if (!Arrays.equals(stored, shape)) {
            throw new UserException(label + ": tensor " + name + " has shape " + Arrays.toString(stored) + " but config.json implies " + Arrays.toString(shape));
        }
        f.readFloats(name, t.data(), t.offset());
    }

    /** Writes config.json and model.safetensors into {@code dir} (which must exist), with every HF name. */
    public static void write(Path dir, MarianModel model) throws IOException {
        AtomicFiles.writeString(dir.resolve(CONFIG), model.config().toJson());
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (Parameters.Entry e : model.parameters().entries()) {
            Tensor t = e.tensor();
            if (t == model.shared) {
                for (String name : TIED) w.addFloats(name, t.shape().dims(), t.data(), t.offset());
            } else if (t == model.positions) {
                for (String name : TABLES) w.addFloats(name, t.shape().dims(), t.data(), t.offset());
            } else if (t == model.logitsBias) {
                w.addFloats(e.name(), new int[] {1, t.size()}, t.data(), t.offset());
            } else {
                w.addFloats(e.name(), t.shape().dims(), t.data(), t.offset());
            }
        }
        w.write(dir.resolve(WEIGHTS));
    }
}
