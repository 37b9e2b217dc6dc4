package jgpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jgpt.autograd.Tape;
import jgpt.generate.GenerationConfig;
import jgpt.generate.Generator;
import jgpt.io.ModelFolder;
import jgpt.io.SafetensorsFile;
import jgpt.model.Gpt;
import jgpt.nn.Parameters;
import jgpt.tensor.Tensor;
import jgpt.train.AdamW;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the model against the PyTorch-made vectors in the reference directory (env GPT_REFERENCE_DIR,
 * default ../shared/reference): every case folder with config.json + model.safetensors + expected.safetensors,
 * every quantity its expected file holds, with the tolerances of the reference README.
 * A quantity this test does not know fails, so new kinds of expectations cannot be silently skipped.
 */
class ReferenceConformanceTest {
    static final float LOGITS_TOL = 1e-5f, LOSS_TOL = 1e-5f, GRAD_TOL = 1e-6f;
    static final float STEP_TOL = 1e-6f, STEP_TOL_TINY_GRAD = 2e-3f, TINY_GRAD = 1e-5f;
    static final float ADAM_LR = 1e-3f, ADAM_B1 = 0.9f, ADAM_B2 = 0.95f, ADAM_EPS = 1e-8f, ADAM_WD = 0.1f;
    static final int ADAM_STEPS = 10;

    static Path referenceDir() {
        String env = System.getenv("GPT_REFERENCE_DIR");
        return Path.of(env != null && !env.isBlank() ? env : "../shared/reference");
    }

    @TestFactory
    Stream<DynamicNode> everyCase() throws IOException {
        Path root = referenceDir();
        if (!Files.isDirectory(root)) fail("reference directory " + root.toAbsolutePath() + " not found (set GPT_REFERENCE_DIR)");
        List<Path> cases;
        try (Stream<Path> s = Files.list(root)) {
            cases = s.filter(d -> Files.isRegularFile(d.resolve("config.json"))
                            && Files.isRegularFile(d.resolve("model.safetensors"))
                            && Files.isRegularFile(d.resolve("expected.safetensors")))
                    .sorted().toList();
        }
        assertFalse(cases.isEmpty(), "no case folders under " + root);
        return cases.stream().map(dir -> DynamicContainer.dynamicContainer(dir.getFileName().toString(), caseTests(dir)));
    }

    private Stream<DynamicNode> caseTests(Path dir) {
        Case c = new Case(dir);
        List<DynamicNode> tests = new ArrayList<>();
        for (String key : c.expectedKeys()) {
            tests.add(DynamicTest.dynamicTest(key, () -> c.check(key)));
        }
        return tests.stream();
    }

    /** One case folder; expensive results (forward, gradients, training) are computed once and shared. */
    static final class Case {
        private final Path dir;
        private final Map<String, float[]> floats = new HashMap<>();
        private final Map<String, int[]> ints = new HashMap<>();
        private final Map<String, int[]> shapes = new HashMap<>();
        private final List<String> keys = new ArrayList<>();
        private Gpt model;
        private float[] logits;
        private float loss;
        private Map<String, float[]> grads;
        private float[] trainLosses;
        private Map<String, float[]> afterStep1;
        private Gpt trained;

        Case(Path dir) {
            this.dir = dir;
            try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("expected.safetensors"))) {
                for (String name : f.names()) {
                    keys.add(name);
                    shapes.put(name, f.shape(name));
                    if (f.dtype(name) == jgpt.io.DType.I32) ints.put(name, f.readInts(name));
                    else floats.put(name, f.readFloats(name));
                }
            }
        }

        List<String> expectedKeys() { return keys; }

        private static final List<String> INPUTS = List.of("tokens", "targets", "greedy_prompt", "greedy_trained_prompt");

        void check(String key) {
            if (INPUTS.contains(key)) {
                checkInput(key);
            } else if (key.equals("logits")) {
                assertClose(floats.get(key), logits(), LOGITS_TOL, key);
            } else if (key.equals("loss")) {
                logits();
                assertEquals(floats.get(key)[0], loss, LOSS_TOL, key);
            } else if (key.startsWith("grad.")) {
                float[] g = grads().get(key.substring(5));
                if (g == null) fail("no parameter " + key.substring(5));
                assertClose(floats.get(key), g, GRAD_TOL, key);
            } else if (key.equals("train_losses")) {
                train();
                assertClose(floats.get(key), trainLosses, LOSS_TOL, key);
            } else if (key.startsWith("adamw_step1.")) {
                train();
                String name = key.substring("adamw_step1.".length());
                checkStep(name, floats.get(key), afterStep1.get(name), floats.get("grad." + name));
            } else if (key.equals("greedy_tokens")) {
                assertArrayEquals(ints.get(key), greedy(model(), ints.get("greedy_prompt"), ints.get(key).length), key);
            } else if (key.equals("greedy_trained_tokens")) {
                train();
                assertArrayEquals(ints.get(key), greedy(trained, ints.get("greedy_trained_prompt"), ints.get(key).length), key);
            } else {
                fail("expected quantity '" + key + "' is not understood by this test; extend ReferenceConformanceTest");
            }
        }

        private void checkInput(String key) {
            int[] v = ints.get(key);
            if (v == null) fail(key + " should be I32");
            int vocab = model().config().vocabSize();
            for (int id : v) if (id < 0 || id >= vocab) fail(key + " holds id " + id + " outside the vocabulary");
        }

        private Gpt model() {
            if (model == null) model = ModelFolder.loadModel(dir);
            return model;
        }

        private float[] logits() {
            if (logits == null) {
                int[] tokens = ints.get("tokens");
                int[] shape = shapes.get("tokens");
                Tape tape = new Tape();
                tape.setGradEnabled(false);
                Tensor out = model().forward(tape, tokens, shape[0], shape[1], null);
                logits = out.toArray();
                if (ints.containsKey("targets")) {
                    loss = jgpt.ops.CrossEntropy.apply(tape, out, ints.get("targets")).get(0);
                }
            }
            return logits;
        }

        private Map<String, float[]> grads() {
            if (grads == null) {
                Gpt m = ModelFolder.loadModel(dir);
                int[] shape = shapes.get("tokens");
                Tape tape = new Tape();
                tape.backward(m.loss(tape, ints.get("tokens"), ints.get("targets"), shape[0], shape[1], null));
                grads = new HashMap<>();
                for (Parameters.Entry e : m.parameters().entries()) grads.put(e.name(), e.tensor().gradToArray());
            }
            return grads;
        }

        private void train() {
            if (trained != null) return;
            Gpt m = ModelFolder.loadModel(dir);
            int[] shape = shapes.get("tokens");
            AdamW opt = new AdamW(m.parameters(), ADAM_B1, ADAM_B2, ADAM_EPS, ADAM_WD);
            trainLosses = new float[ADAM_STEPS];
            Tape tape = new Tape();
            for (int s = 0; s < ADAM_STEPS; s++) {
                m.parameters().zeroGrad();
                Tensor l = m.loss(tape, ints.get("tokens"), ints.get("targets"), shape[0], shape[1], null);
                trainLosses[s] = l.get(0);
                tape.backward(l);
                tape.reset();
                opt.step(ADAM_LR);
                if (s == 0) {
                    afterStep1 = new HashMap<>();
                    for (Parameters.Entry e : m.parameters().entries()) afterStep1.put(e.name(), e.tensor().toArray());
                }
            }
            trained = m;
        }

        private static int[] greedy(Gpt m, int[] prompt, int n) {
            return new Generator(m).generate(prompt, GenerationConfig.greedy(n), -1, null);
        }

        private static void checkStep(String name, float[] expected, float[] actual, float[] grad) {
            if (actual == null) fail("no parameter " + name);
            if (grad == null) fail("adamw_step1." + name + " has no matching grad." + name + " to choose the tolerance");
            assertEquals(expected.length, actual.length, name + " size");
            for (int i = 0; i < expected.length; i++) {
                float tol = Math.abs(grad[i]) >= TINY_GRAD ? STEP_TOL : STEP_TOL_TINY_GRAD;
                if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                    fail("adamw_step1." + name + "[" + i + "]: expected " + expected[i] + " got " + actual[i] + " (tol " + tol + ")");
                }
            }
        }

        private static void assertClose(float[] expected, float[] actual, float tol, String what) {
            assertEquals(expected.length, actual.length, what + " size");
            float worst = 0f;
            int at = -1;
            for (int i = 0; i < expected.length; i++) {
                float d = Math.abs(expected[i] - actual[i]);
                if (!(d <= worst)) {
                    worst = d;
                    at = i;
                }
            }
            if (!(worst <= tol)) {
                fail(what + ": max abs diff " + worst + " at " + at + " (expected " + expected[at] + ", got " + actual[at]
                        + ") exceeds " + tol + "; first values " + Arrays.toString(Arrays.copyOf(actual, 4)));
            }
        }
    }
}
