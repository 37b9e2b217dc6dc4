package jgpt;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a tool outside the JVM (PyTorch, SentencePiece, Chromium, Open MPI, the shared reference data)
 * call one of the {@code require...} methods first, typically from a {@code @BeforeAll}. When the tool is missing:
 * under {@code CI=true} the test fails with a message saying what to install (CI installs every tool, so a missing
 * one is a broken set-up, not a reason to check less); elsewhere the test is skipped and the reason is printed once
 * per tool on stderr.
 */
public final class ExternalTools {
    /** The Python the cross-checks run: Debian's, where {@code python3-torch} and friends are installed. */
    public static final String PYTHON = "/usr/bin/python3";

    private static final Map<List<String>, Boolean> PROBED = new ConcurrentHashMap<>();
    private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();

    private ExternalTools() {}

    /** True when the environment variable CI is "true" (set by .ci/run): missing tools fail instead of skipping. */
    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Fails (under CI=true) or skips the calling test when {@code available} is false.
     *
     * @param tool what is needed, as a user would name it ("PyTorch (/usr/bin/python3 with torch)")
     * @param install how to get it ("apt-get install python3-torch python3-numpy libopenblas0-pthread")
     */
    public static void require(String tool, boolean available, String install) {
        boolean ci = inCi();
        if (!available && !ci && ANNOUNCED.add(tool)) {
            System.err.println("skipping the tests that need " + tool + ": not available (" + install + ")");
        }
        require(tool, available, install, ci);
    }

    /** {@link #require(String, boolean, String)} with the CI setting given (tests of this class). */
    static void require(String tool, boolean available, String install, boolean ci) {
        if (available) return;
        String message = tool + " is not available (" + install + ")";
        if (ci) fail(message + "; CI=true, so tests needing it fail instead of skipping");
        Assumptions.abort("needs " + message);
    }

    /** {@link #PYTHON} must exist and import every module named (e.g. "torch", "sentencepiece"). */
    public static void requirePython(String install, String... modules) {
        String imports = modules.length == 0 ? "pass" : "import " + String.join(", ", modules);
        String tool = PYTHON + (modules.length == 0 ? "" : " with " + String.join(", ", modules));
        require(tool, runs(PYTHON, "-c", imports), install);
    }

    /** PyTorch as the cross-checks use it: {@link #PYTHON} with torch and numpy. */
    public static void requireTorch() {
        requirePython("apt-get install python3-torch python3-numpy libopenblas0-pthread", "torch", "numpy");
    }

    /** A program that must run and exit with 0, e.g. {@code requireCommand("apt-get install openmpi-bin", "mpirun", "--version")}. */
    public static void requireCommand(String install, String... command) {
        require(command[0], runs(command), install);
    }

    /** A file or directory that must exist, e.g. the shared reference vectors. */
    public static void requireFile(Path path, String what) {
        require(what + " at " + path.toAbsolutePath(), Files.exists(path), "expected at that path");
    }

    /** Whether {@code command} starts and exits with 0 within a minute; probed once per command per JVM. */
    public static boolean runs(String... command) {
        return PROBED.computeIfAbsent(List.of(command), ExternalTools::probe);
    }

    private static boolean probe(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
