package jgpt.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.io.AtomicFiles;
import jgpt.io.DType;
import jgpt.io.ModelFolder;
import jgpt.model.Gpt;
import jgpt.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpt export}: write a model (e.g. a training checkpoint) as a clean Hugging Face folder, in fp32 or bf16. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model as a Hugging Face GPT-2 folder (config.json, model.safetensors, tokenizer files) in f32 or bf16.")
final class ExportCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Folder to write (replaced atomically).")
    Path out;

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "f32|bf16|f16", description = "Weight precision (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Override
    public Integer call() throws IOException {
        DType d = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32", "fp32", "float32" -> DType.F32;
            case "bf16", "bfloat16" -> DType.BF16;
            case "f16", "fp16", "float16" -> DType.F16;
            default -> throw new UserException("--dtype must be f32, bf16 or f16, got '" + dtype + "'");
        };
        if (out.toAbsolutePath().normalize().equals(modelOptions.model.toAbsolutePath().normalize())) {
            throw new UserException("--out must differ from --model (export writes a new folder)");
        }
        Gpt model = modelOptions.loadModel();
        Tokenizer tokenizer = modelOptions.loadTokenizer(model);
        AtomicFiles.replaceDirectory(out, tmp -> {
            ModelFolder.writeModel(tmp, model, d, tokenizer.endOfTextId());
            tokenizer.save(tmp);
        });
        System.out.printf(Locale.ROOT, "%s: %s weights, %,d parameters%n", out, d, model.parameters().count());
        return 0;
    }
}
