package jgpt.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.nn.Parameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpt info}: a model folder's configuration and parameter counts. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show a model's config and parameter count.")
final class InfoCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = "--tensors", description = "Also list every weight tensor with its shape and size.")
    boolean tensors;

    @Override
    public Integer call() {
        Gpt model = modelOptions.loadModel();
        GptConfig c = model.config();
        System.out.printf(Locale.ROOT, "model        %s%n", modelOptions.model);
        System.out.printf(Locale.ROOT, "n_layer      %d%nn_head       %d%nn_embd       %d%nblock_size   %d%nvocab_size   %d%nn_inner      %d%n",
                c.nLayer(), c.nHead(), c.nEmbd(), c.blockSize(), c.vocabSize(), c.nInner());
        System.out.printf(Locale.ROOT, "activation   %s%npositions    %s%nbias         %s%ndropout      %s%n",
                c.activation().hfName(), c.positional().key(), c.bias(), c.dropout());
        long trainable = 0, total = 0;
        for (Parameters.Entry e : model.parameters().entries()) {
            total += e.tensor().size();
            if (e.trainable()) trainable += e.tensor().size();
            if (tensors) System.out.printf(Locale.ROOT, "  %-28s %-14s %,d%n", e.name(), e.tensor().shape(), e.tensor().size());
        }
        long nonEmbedding = total - (long) c.blockSize() * c.nEmbd();
        System.out.printf(Locale.ROOT, "parameters   %,d (%.2fM; %,d trainable; %.2fM excluding position embeddings)%n",
                total, total / 1e6, trainable, nonEmbedding / 1e6);
        return 0;
    }
}
