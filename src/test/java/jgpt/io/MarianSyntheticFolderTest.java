package jgpt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import jgpt.ExternalPython;
import jgpt.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synthetic opus-mt-layout Marian folder (src/test/resources/marian-synthetic, written by
 * src/test/python/make_marian_synthetic.py): its pytorch_model.bin and model.safetensors load to the same tensors,
 * and {@code gpt convert} turns the .bin into a safetensors file with those tensors.
 */
class MarianSyntheticFolderTest {
    static final Path FOLDER = Path.of("src/test/resources/marian-synthetic");
    static final Set<String> TIED = Set.of("model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight", "lm_head.weight");
    @TempDir Path tmp;

    @Test
    void committedFolderLoadsTheSameBothWays() throws IOException {
        sameTensors(FOLDER);
    }

    @Test
    void freshFolderFromTorchLoadsTheSameBothWays() throws IOException {
        ExternalPython.require("torch");
        ExternalPython.run("src/test/python/make_marian_synthetic.py", tmp.toString(), "../shared/reference/sentencepiece");
        sameTensors(tmp);
    }

    private static void sameTensors(Path dir) throws IOException {
        JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        int vocab = new ObjectMapper().readTree(dir.resolve("vocab.json").toFile()).size();
        int c = config.get("d_model").asInt();
        assertEquals(vocab, config.get("vocab_size").asInt(), "vocab_size = entries of vocab.json");
        try (SafetensorsFile st = SafetensorsFile.open(dir.resolve("model.safetensors"));
             PyTorchCheckpoint bin = PyTorchCheckpoint.open(dir.resolve("pytorch_model.bin"))) {
            for (String name : st.names()) {
                assertTrue(bin.contains(name), name + " missing from pytorch_model.bin");
                assertArrayEquals(st.shape(name), bin.shape(name), name);
                assertArrayEquals(st.readFloats(name), bin.readFloats(name), name);
            }
            float[] shared = st.readFloats("model.shared.weight");
            assertArrayEquals(new int[] {vocab, c}, st.shape("model.shared.weight"));
            for (String tied : TIED) assertArrayEquals(shared, bin.readFloats(tied), tied + " is tied to model.shared.weight");
            int p = config.get("max_position_embeddings").asInt();
            for (String side : new String[] {"encoder", "decoder"}) {
                float[] table = bin.readFloats("model." + side + ".embed_positions.weight");
                for (int pos = 0; pos < p; pos++) {
                    for (int k = 0; k < c / 2; k++) { // HF's sinusoidal table: sin in the first half, cos in the second
                        double angle = pos / Math.pow(10000, 2.0 * k / c);
                        assertEquals((float) Math.sin(angle), table[pos * c + k], 1e-6f);
                        assertEquals((float) Math.cos(angle), table[pos * c + c / 2 + k], 1e-6f);
                    }
                }
            }
            assertEquals(st.names().size() + TIED.size() + 2, bin.names().size(), "the .bin adds the tied copies and the two tables");
        }
    }

    @Test
    void convertWritesTheBinAsSafetensors() throws IOException {
        Path dir = tmp.resolve("opus-mt-bin-only");
        Files.createDirectories(dir);
        for (String f : new String[] {"config.json", "pytorch_model.bin", "vocab.json", "source.spm"}) {
            Files.copy(FOLDER.resolve(f), dir.resolve(f));
        }
        assertEquals(0, Main.run("convert", "--model", dir.toString()));
        assertEquals(2, Main.run("convert", "--model", dir.toString()), "refuses to overwrite without --force");
        try (SafetensorsFile st = SafetensorsFile.open(dir.resolve("model.safetensors"));
             PyTorchCheckpoint bin = PyTorchCheckpoint.open(dir.resolve("pytorch_model.bin"))) {
            assertEquals(bin.names(), st.names());
            for (String name : bin.names()) assertArrayEquals(bin.readFloats(name), st.readFloats(name), name);
        }
        assertTrue(Files.exists(dir.resolve("vocab.json")) && Files.exists(dir.resolve("pytorch_model.bin")), "other files kept");
        assertEquals(2, Main.run("convert", "--model", tmp.resolve("nothing-here").toString()));
    }
}
