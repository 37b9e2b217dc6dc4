package jgpt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jgpt.model.WeightFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The llama.cpp anchor says what is missing instead of failing; q8_0 stands for our int8. */
class LlamaCppRunnerTest {
    @TempDir Path tmp;

    @Test
    void namesTheSetupScriptUntilTheModelsAreWritten() throws IOException {
        Files.writeString(tmp.resolve("decode.mjs"), "");
        String why = new LlamaCppRunner(tmp).unavailableReason();
        assertTrue(why.contains("not set up") && why.contains(tmp.resolve("setup").toString()), why);

        Files.createDirectories(tmp.resolve("node_modules/node-llama-cpp"));
        Files.createDirectories(tmp.resolve("models"));
        Files.writeString(tmp.resolve("models/gpt2-124M-random-f32.gguf"), "");
        why = new LlamaCppRunner(tmp).unavailableReason();
        assertTrue(why.contains("gpt2-124M-random-bf16.gguf not found"), why);
    }

    @Test
    void comparesInt8WithQ8_0() {
        assertEquals("q8_0", LlamaCppRunner.ggufType(WeightFormat.INT8));
        assertEquals("bf16", LlamaCppRunner.ggufType(WeightFormat.BF16));
        assertEquals("f32", LlamaCppRunner.ggufType(WeightFormat.F32));
    }
}
