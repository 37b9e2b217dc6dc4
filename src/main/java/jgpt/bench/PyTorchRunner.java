package jgpt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs bench/pytorch_bench.py with Debian's python3-torch. The script itself tries PyTorch's settings (threads 1
 * and 2 × glibc's default allocator, glibc keeping freed memory, jemalloc) in child processes with
 * OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE removed, and returns the fastest with every setting tried and its figure.
 */
public final class PyTorchRunner {
    public static final String PYTHON = "/usr/bin/python3";
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
     * The script's result for {@code args} (e.g. "train", "baby", "12", "64", "40") at PyTorch's best setting,
     * with "setting" and "settings_tried"; null when every setting failed.
     */
    public JsonNode best(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString()));
        cmd.addAll(List.of(args));
        return ProcessJson.lastLine(new ProcessBuilder(cmd));
    }

    /** GEMM GFLOP/s per product shape ("MxKxN"), each at its best setting, in one sweep. */
    public JsonNode gemm(int repeats, int[][] shapes) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("gemm", Integer.toString(repeats)));
        for (int[] s : shapes) {
            for (int d : s) args.add(Integer.toString(d));
        }
        return best(args.toArray(String[]::new));
    }
}
