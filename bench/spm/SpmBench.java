import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jgpt.tokenizer.SentencePieceTokenizer;

/**
 * Encoding throughput of jgpt's SentencePiece: every line of a TSV column, one encode call per line, ROUNDS rounds
 * (the first ones include JIT compilation). Prints one JSON line per round (wall time, and this thread's CPU time,
 * which a machine shared with other jobs distorts less) and the model load time.
 * usage (bench/spm/run compiles and runs it): java -cp target/jgpt.jar:target/spm-bench SpmBench MODEL TSV COLUMN ROUNDS
 */
public class SpmBench {
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        SentencePieceTokenizer sp = SentencePieceTokenizer.load(Path.of(args[0]));
        double loadMs = (System.nanoTime() - t0) / 1e6;
        int col = Integer.parseInt(args[2]);
        List<String> lines = Files.readAllLines(Path.of(args[1])).stream().filter(l -> !l.isBlank()).map(l -> l.split("\t")[col]).toList();
        int rounds = Integer.parseInt(args[3]);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        System.out.printf("{\"side\": \"jgpt\", \"load_ms\": %.1f, \"lines\": %d}%n", loadMs, lines.size());
        for (int r = 0; r < rounds; r++) {
            long tokens = 0;
            long start = System.nanoTime(), cpu0 = threads.getCurrentThreadCpuTime();
            for (String line : lines) tokens += sp.encode(line).length;
            double s = (System.nanoTime() - start) / 1e9, cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            System.out.printf("{\"side\": \"jgpt\", \"round\": %d, \"seconds\": %.4f, \"sentences_per_s\": %.0f,"
                    + " \"cpu_seconds\": %.4f, \"sentences_per_cpu_s\": %.0f, \"tokens\": %d}%n",
                    r, s, lines.size() / s, cpu, lines.size() / cpu, tokens);
        }
    }
}
