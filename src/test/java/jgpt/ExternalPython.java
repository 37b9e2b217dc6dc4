package jgpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code /usr/bin/python3} scripts for cross-checks against the reference libraries. When a module is missing the
 * test is skipped locally but FAILS under {@code CI=true}, where .ci/run installs every tool.
 */
public final class ExternalPython {
    public static final String PYTHON = "/usr/bin/python3";

    private ExternalPython() {}

    /** Skips (or, under CI=true, fails) the calling test unless python3 can import every module. */
    public static void require(String... modules) {
        String code = "import " + String.join(", ", modules);
        boolean ok;
        String why;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", code).redirectErrorStream(true).start();
            why = new String(p.getInputStream().readAllBytes()).trim();
            ok = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            ok = false;
            why = e.getMessage();
        }
        if (!ok && "true".equals(System.getenv("CI"))) {
            fail("CI=true but `" + PYTHON + " -c '" + code + "'` failed (" + why + "); install the Debian packages .ci/run lists");
        }
        assumeTrue(ok, PYTHON + " cannot `" + code + "`: skipping this cross-check (" + why + ")");
    }

    /** Runs a script with arguments; fails the test with its output when it exits non-zero. */
    public static String run(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), String.join(" ", cmd) + " failed:\n" + log);
            return log;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e, e);
        }
    }
}
