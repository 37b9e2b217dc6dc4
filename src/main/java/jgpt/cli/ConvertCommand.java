package jgpt.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.io.CheckpointConversion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gpt convert}: give a Hugging Face folder that ships only {@code pytorch_model.bin} a {@code model.safetensors}. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Write a folder's pytorch_model.bin (read safely: no pickle code runs) as model.safetensors beside it.")
final class ConvertCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR", description = "Folder holding pytorch_model.bin.")
    Path model;

    @Option(names = "--force", description = "Replace an existing model.safetensors.")
    boolean force;

    @Override
    public Integer call() {
        Path bin = Files.isRegularFile(model) ? model : model.resolve("pytorch_model.bin");
        Path dir = bin.toAbsolutePath().getParent();
        if (!Files.isRegularFile(bin)) throw new UserException(model + " has no pytorch_model.bin to convert");
        Path out = dir.resolve("model.safetensors");
        if (Files.exists(out) && !force) {
            throw new UserException(out + " already exists; pass --force to replace it");
        }
        long start = System.nanoTime();
        int n = CheckpointConversion.toSafetensors(bin, out);
        System.out.printf("wrote %s: %d tensors in %.1f s (other files kept)%n", out, n, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
