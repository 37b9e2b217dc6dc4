package jgpt.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jgpt.io.ModelFolder;
import jgpt.tokenizer.Tokenizer;
import jgpt.tokenizer.Tokenizers;

/**
 * Quality cost of reduced-precision weights: mean next-token loss and perplexity of each {@link WeightFormat}
 * over the start of Tiny Shakespeare's validation split (its last 10%), scored token by token through the
 * decoder's logits in windows of the context length. Not a unit test:
 * {@code java --add-modules jdk.incubator.vector -cp target/jgpt.jar jgpt.model.DecodeQuality MODEL_DIR [tokens]}
 */
public final class DecodeQuality {
    private DecodeQuality() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Gpt model = ModelFolder.loadModel(dir);
        Tokenizer tok = Tokenizers.load(dir);
        String text;
        try (InputStream in = DecodeQuality.class.getResourceAsStream("/jgpt/data/tinyshakespeare.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int[] all = tok.encode(text);
        int[] ids = java.util.Arrays.copyOfRange(all, all.length - all.length / 10, Math.min(all.length, all.length - all.length / 10 + n + 1));
        double base = Double.NaN;
        for (WeightFormat f : WeightFormat.values()) {
            Decoder d = new Decoder(model, f);
            double loss = meanLoss(d, ids);
            if (f == WeightFormat.F32) base = loss;
            System.out.printf(java.util.Locale.ROOT, "%-5s tokens %d  mean loss %.5f nats  perplexity %.4f  (delta loss %+.5f, ppl %+.3f%%)%n",
                    f, ids.length - 1, loss, Math.exp(loss), loss - base, 100 * (Math.exp(loss - base) - 1));
        }
    }

    /** Each token after the first predicted once; the cache restarts every block_size tokens. */
    static double meanLoss(Decoder d, int[] ids) {
        int block = d.cache().capacity();
        double total = 0;
        for (int i = 0; i + 1 < ids.length; i++) {
            if (i % block == 0) d.reset();
            float[] logits = d.next(ids[i]);
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (float v : logits) max = Math.max(max, v);
            for (float v : logits) sum += Math.exp(v - max);
            total += max + Math.log(sum) - logits[ids[i + 1]];
        }
        return total / (ids.length - 1);
    }
}
