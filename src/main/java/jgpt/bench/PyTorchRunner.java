package jgpt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs bench/pytorch_bench.py with Debian's python3-torch at its best thread setting: 1 thread, and 2 threads
 * with OMP_WAIT_POLICY=PASSIVE; both with OPENBLAS_L2_SIZE unset and OPENBLAS_CORETYPE set to the CPU's best
 * kernel (the environment's OPENBLAS_CORETYPE=Haswell would halve its speed). Keeps the faster result.
 */
public final class PyTorchRunner {
    public static final String PYTHON = "/usr/bin/python3";
    /**
     * The OpenBLAS kernel named from the CPU's flags. Debian's OpenBLAS 0.3.21 does not know CPU models newer than
     * itself and falls back to its SSE3 "Prescott" kernel on them (Xeon model 207: 31 instead of 143 GFLOP/s per
     * thread); naming the core gives the kernel it would pick if it knew the model (Cooperlake on Zen 4, as detected).
     */
    static final String OPENBLAS_CORE = openBlasCore();
    private final Path script;

    public PyTorchRunner(Path script) { this.script = script; }

    /** Null when python3 or torch is missing, else a short description of the installation. */
    public static String unavailableReason() {
        if (!Files.isExecutable(Path.of(PYTHON))) return PYTHON + " not found";
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) return "torch is not installed (apt-get install python3-torch libopenblas0-pthread)";
            return null;
        } catch (IOException | InterruptedException e) {
            return "cannot run " + PYTHON + ": " + e.getMessage();
        }
    }

    /**
     * Runs {@code args} under both thread settings; returns the better result (higher value of {@code key}, or lower
     * when {@code lowerIsBetter}), with the setting used added as "setting".
     */
    public JsonNode best(String key, boolean lowerIsBetter, String... args) throws IOException, InterruptedException {
        JsonNode best = null;
        for (int threads : new int[] {1, 2}) {
            JsonNode r = run(threads, args);
            if (r == null) continue;
            ((com.fasterxml.jackson.databind.node.ObjectNode) r).put("setting", threads == 1 ? "1 thread" : "2 threads, OMP_WAIT_POLICY=PASSIVE")
                    .put("openblas_core", OPENBLAS_CORE == null ? "detected" : OPENBLAS_CORE);
            if (best == null || (lowerIsBetter ? r.get(key).asDouble() < best.get(key).asDouble() : r.get(key).asDouble() > best.get(key).asDouble())) {
                best = r;
            }
        }
        return best;
    }

    private static String openBlasCore() {
        try {
            String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags")).findFirst().orElse("") + " ";
            if (flags.contains(" avx512_bf16 ")) return "Cooperlake";
            if (flags.contains(" avx512f ")) return "SkylakeX";
            if (flags.contains(" avx2 ")) return "Haswell";
        } catch (IOException e) {
            // not Linux: leave OpenBLAS to its own detection
        }
        return null;
    }

    private JsonNode run(int threads, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.remove("OPENBLAS_L2_SIZE");
        if (OPENBLAS_CORE == null) env.remove("OPENBLAS_CORETYPE");
        else env.put("OPENBLAS_CORETYPE", OPENBLAS_CORE);
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        env.put("MKL_NUM_THREADS", Integer.toString(threads));
        if (threads > 1) env.put("OMP_WAIT_POLICY", "PASSIVE");
        return ProcessJson.lastLine(pb);
    }
}
