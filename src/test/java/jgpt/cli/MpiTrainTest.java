package jgpt.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jgpt.io.SafetensorsFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpt train} under Open MPI's mpirun with two ranks, against one process training the same global batch
 * in this JVM: same weights (bit for bit; with ZeRO-1 within 1e-6), a killed rank ends the job within seconds and
 * its last checkpoint resumes exactly (here in one process: any rank count resumes any checkpoint), and ranks
 * started with different settings refuse to train. Under CI=true a missing mpirun fails; elsewhere it skips.
 */
class MpiTrainTest {
    @TempDir static Path tmp;
    static Path text;
    static final String[] RUN = {"--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--block-size", "16",
            "--batch-size", "4", "--eval-iters", "1", "--sample-tokens", "0", "--warmup", "2", "--lr-decay-iters", "400"};

    @BeforeAll
    static void needsMpirun() throws Exception {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(dir, "mpirun"));
        }
        if (!found && "true".equals(System.getenv("CI"))) fail("CI=true but Open MPI's mpirun is not on PATH (apt-get install openmpi-bin)");
        Assumptions.assumeTrue(found, "skipped: Open MPI's mpirun is not on PATH");
        text = tmp.resolve("corpus.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog.\n".repeat(60));
    }

    private static List<String> args(Path out, int iters, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", text.toString(), "--out", out.toString(),
                "--iters", Integer.toString(iters), "--eval-interval", Integer.toString(iters)));
        a.addAll(List.of(RUN));
        a.addAll(List.of(extra));
        return a;
    }

    /**
     * mpirun -np 2 running jgpt's CLI from this test's class path, one thread per rank, output to a log file. The ranks
     * run C1-compiled code only: half the time of a default JVM for a run this short (Java arithmetic is the same).
     */
    private static Process mpirun(Path log, List<String> args, String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mpirun", "-np", "2", "--oversubscribe", "--allow-run-as-root"));
        cmd.addAll(java(jvmOptions));
        cmd.add("--threads");
        cmd.add("1");
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<String> java(String... jvmOptions) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx512m",
                "-XX:TieredStopAtLevel=1"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "jgpt.cli.Main"));
        return cmd;
    }

    private static void finish(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "mpirun did not finish");
        assertEquals(0, p.exitValue(), () -> "mpirun failed:\n" + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    private static void trainHere(List<String> args) {
        Object[] r = CliErrorTest.run(args.toArray(String[]::new));
        assertEquals(0, r[0], () -> "one-process training failed: " + r[2]);
    }

    @Test
    void twoRanksTrainTheSameWeightsAsOneProcess() throws Exception {
        Path one = tmp.resolve("one"), two = tmp.resolve("two"), zero = tmp.resolve("zero");
        trainHere(args(one, 6));
        Path log = tmp.resolve("two.log");
        finish(mpirun(log, args(two, 6)), log);
        assertTrue(read(log).contains("distributed: 2 ranks"), read(log));
        // two slices of the batch summed in one addition: the same bits as one process with two replicas
        assertArrayEquals(Files.readAllBytes(one.resolve("model.safetensors")), Files.readAllBytes(two.resolve("model.safetensors")));
        assertArrayEquals(Files.readAllBytes(one.resolve("optimizer.safetensors")), Files.readAllBytes(two.resolve("optimizer.safetensors")));

        Path zlog = tmp.resolve("zero.log");
        finish(mpirun(zlog, args(zero, 6, "--zero", "1")), zlog);
        assertTrue(read(zlog).contains("sharded (ZeRO-1)"), read(zlog));
        assertClose(one, zero, "model.safetensors");
        assertClose(one, zero, "optimizer.safetensors");
    }

    /**
     * One process with one replica (as for a model too big for two) against two ranks with one slice each: the
     * gradient of the 4 rows is summed in another order, so within 1e-6, and the random stream (the batches of
     * every step) must stay the same although the ranks run more slices than the process did.
     */
    @Test
    void moreSlicesThanOneProcessHasReplicasStayWithin1e6() throws Exception {
        Path one = tmp.resolve("one-replica"), two = tmp.resolve("two-slices"), log = tmp.resolve("two-slices.log");
        String key = "jgpt.dataParallel.replicas";
        System.setProperty(key, "1");
        try {
            trainHere(args(one, 20));
        } finally {
            System.clearProperty(key);
        }
        finish(mpirun(log, args(two, 20), "-D" + key + "=1"), log);
        assertClose(one, two, "model.safetensors");
    }

    /** Every tensor of {@code file} in two folders agrees within 1e-6 per value. */
    private static void assertClose(Path a, Path b, String file) {
        try (SafetensorsFile fa = SafetensorsFile.open(a.resolve(file)); SafetensorsFile fb = SafetensorsFile.open(b.resolve(file))) {
            assertEquals(fa.names(), fb.names());
            for (String name : fa.names()) {
                float[] x = fa.readFloats(name), y = fb.readFloats(name);
                assertEquals(x.length, y.length, name);
                for (int i = 0; i < x.length; i++) assertEquals(x[i], y[i], 1e-6f, file + " " + name + "[" + i + "]");
            }
        }
    }

    @Test
    void aKilledRankEndsTheJobAndTheLastCheckpointResumesExactly() throws Exception {
        Path killed = tmp.resolve("killed"), log = tmp.resolve("killed.log");
        Process p = mpirun(log, args(killed, 400, "--checkpoint-interval", "3", "--log-interval", "1"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.isRegularFile(killed.resolve("trainer_state.json"))) {
            assertTrue(p.isAlive(), () -> "mpirun ended early:\n" + read(log));
            assertTrue(System.nanoTime() < deadline, () -> "no checkpoint after 3 minutes:\n" + read(log));
            Thread.sleep(200);
        }
        Thread.sleep(1000);
        ProcessHandle rank = p.toHandle().descendants().filter(h -> h.info().command().orElse("").endsWith("java"))
                .reduce((first, second) -> second).orElseThrow(() -> new AssertionError("no rank process under mpirun"));
        long killedAt = System.nanoTime();
        rank.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), () -> "the job still runs 30 s after a rank was killed:\n" + read(log));
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        System.out.printf("job ended %.1f s after a rank was killed%n", seconds);
        assertNotEquals(0, p.exitValue(), "mpirun must report the failure");
        assertTrue(seconds < 15, "job took " + seconds + " s to end");

        String state = Files.readString(killed.resolve("trainer_state.json"));
        int step = Integer.parseInt(state.replaceAll("(?s).*\"step\"\\s*:\\s*(\\d+).*", "$1"));
        int end = step + 4;
        Path straight = tmp.resolve("straight");
        trainHere(args(straight, end, "--checkpoint-interval", "3"));
        Object[] r = CliErrorTest.run("train", "--resume", "--out", killed.toString(), "--iters", Integer.toString(end));
        assertEquals(0, r[0], () -> "resume failed: " + r[2]);
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")), Files.readAllBytes(killed.resolve("model.safetensors")));
    }

    @Test
    void ranksWithDifferentSettingsRefuseToStart() throws Exception {
        Path out = tmp.resolve("mismatch"), log = tmp.resolve("mismatch.log");
        List<String> cmd = new ArrayList<>(List.of("mpirun", "--oversubscribe", "--allow-run-as-root", "-np", "1"));
        cmd.addAll(java());
        cmd.addAll(args(out, 4));
        cmd.addAll(List.of(":", "-np", "1"));
        cmd.addAll(java());
        cmd.addAll(args(out, 4, "--lr", "2e-3"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "mpirun did not finish");
        assertNotEquals(0, p.exitValue());
        assertTrue(read(log).contains("error: ranks differ from rank 0 in settings (1 of 2 ranks)"), read(log));
        assertTrue(!Files.exists(out.resolve("model.safetensors")), "nothing may be trained");
    }
}
