package jgpt.cli;

import java.nio.file.Path;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.tokenizer.Tokenizer;
import jgpt.tokenizer.Tokenizers;
import picocli.CommandLine.Option;

/** The --model option shared by the commands that read a model folder. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR",
            description = "Model folder (config.json + model.safetensors + tokenizer), e.g. out/baby-shakespeare.")
    Path model;

    Gpt loadModel() { return ModelFolder.loadForInference(model); }

    Tokenizer loadTokenizer(Gpt gpt) {
        Tokenizer t = Tokenizers.load(model);
        if (t.vocabSize() > gpt.config().vocabSize()) {
            throw new jgpt.UserException(model + ": the tokenizer has " + t.vocabSize() + " ids but the model's vocab_size is "
                    + gpt.config().vocabSize() + "; the tokenizer files belong to a different model");
        }
        return t;
    }
}
