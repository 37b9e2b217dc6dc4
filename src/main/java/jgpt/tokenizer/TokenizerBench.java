package jgpt.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * Encoding throughput of {@link ByteLevelBpe#gpt2()} vs jtokkit r50k_base {@code encodeOrdinary}
 * on one text file, side by side (median MB/s over repeats after warm-up).
 * <pre>{@code
 * java -cp target/classes:jtokkit.jar jgpt.tokenizer.TokenizerBench data/tinyshakespeare.txt
 * java ... jgpt.tokenizer.TokenizerBench input.txt 15   # 15 timed repeats
 * }</pre>
 */
public final class TokenizerBench {
    private TokenizerBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: TokenizerBench <text file> [repeats]");
            System.exit(2);
        }
        String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 11;
        double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
        ByteLevelBpe ours = ByteLevelBpe.gpt2();
        Encoding jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
        int[] a = ours.encode(text);
        int[] b = jtokkit.encodeOrdinary(text).toArray();
        System.out.printf("file %s: %.2f MB, %d tokens, identical ids: %b%n", args[0], mb, a.length, Arrays.equals(a, b));
        ToIntFunction<String> oursF = t -> ours.encode(t).length;
        ToIntFunction<String> jtokkitF = t -> jtokkit.encodeOrdinary(t).size();
        double[] ourTimes = new double[repeats];
        double[] theirTimes = new double[repeats];
        for (int w = 0; w < 5; w++) {
            time(oursF, text);
            time(jtokkitF, text);
        }
        for (int r = 0; r < repeats; r++) {
            ourTimes[r] = time(oursF, text);
            theirTimes[r] = time(jtokkitF, text);
        }
        double ourMbs = mb / median(ourTimes);
        double theirMbs = mb / median(theirTimes);
        System.out.printf("jgpt ByteLevelBpe : %7.2f MB/s%n", ourMbs);
        System.out.printf("jtokkit r50k_base : %7.2f MB/s%n", theirMbs);
        System.out.printf("speed-up          : %7.2fx%n", ourMbs / theirMbs);
    }

    private static double time(ToIntFunction<String> f, String text) {
        long t0 = System.nanoTime();
        int n = f.applyAsInt(text);
        long t1 = System.nanoTime();
        if (n < 0) {
            throw new AssertionError();
        }
        return (t1 - t0) / 1e9;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
