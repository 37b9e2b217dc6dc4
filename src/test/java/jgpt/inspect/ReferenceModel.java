package jgpt.inspect;

import java.nio.file.Path;
import jgpt.ExternalTools;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;

/** The shared PyTorch-made GPT-2 test model (2 layers, 4 heads, 48 wide, context 32, vocab 101). */
final class ReferenceModel {
    private ReferenceModel() {}

    /** GPT_REFERENCE_DIR or ../shared/reference, as ReferenceConformanceTest finds it. */
    static final Path DIR = Path.of(System.getenv("GPT_REFERENCE_DIR") != null && !System.getenv("GPT_REFERENCE_DIR").isBlank()
            ? System.getenv("GPT_REFERENCE_DIR") : "../shared/reference").resolve("gpt2-tiny");

    static Gpt load() {
        ExternalTools.requireFile(DIR.resolve("model.safetensors"), "the shared GPT-2 reference model");
        return ModelFolder.loadForInference(DIR);
    }

    /** A prompt of t ids spread over the vocabulary. */
    static int[] ids(int t) {
        int[] ids = new int[t];
        for (int i = 0; i < t; i++) ids[i] = (i * 37 + 11) % 101;
        return ids;
    }
}
