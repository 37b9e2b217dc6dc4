import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Side-by-side timing of a `baby` training step (forward, backward and gradient reduction of batch 12 x 64 over
 * the data-parallel replicas) from two builds of jgpt in one JVM: each jar gets its own class loader, and the two
 * are timed in alternating rounds, so both see the same phases of a noisy machine. Separate runs drift by tens of
 * percent here; the per-round ratio's median does not.
 * <pre>
 *   bench/ab/step-ab a.jar b.jar [rounds] [microA] [microB]
 * </pre>
 * micro splits a step into that many micro-batches (12 / micro sequences each) on that side.
 */
public class StepAB {
    static final int BATCH = 12, T = 64, VOCAB = 65;

    static final class Side {
        final Object dataParallel;
        final Method forwardBackward, reduce;
        final Constructor<?> rng;
        final int micro;

        Side(String jar, int micro) throws Exception {
            ClassLoader cl = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> cfgClass = Class.forName("jgpt.model.GptConfig", true, cl), gpt = Class.forName("jgpt.model.Gpt", true, cl);
            Class<?> dp = Class.forName("jgpt.train.DataParallel", true, cl), rngClass = Class.forName("jgpt.tensor.Rng", true, cl);
            Object cfg = cfgClass.getMethod("of", int.class, int.class, int.class, int.class, int.class, float.class, boolean.class)
                    .invoke(null, 4, 4, 128, T, VOCAB, 0f, false);
            Object model = gpt.getMethod("create", cfgClass, long.class).invoke(null, cfg, 1L);
            this.micro = micro;
            this.dataParallel = dp.getConstructor(gpt, int.class, int.class).newInstance(model, BATCH / micro, T);
            this.forwardBackward = dp.getMethod("forwardBackward", int[].class, int[].class, float.class, rngClass);
            this.reduce = dp.getMethod("reduceGradients");
            this.rng = rngClass.getConstructor(long.class);
        }

        void step(int[][] x, int[][] y) throws Exception {
            for (int m = 0; m < micro; m++) forwardBackward.invoke(dataParallel, x[m], y[m], 1f / micro, rng.newInstance(3L));
            reduce.invoke(dataParallel);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: step-ab a.jar b.jar [rounds] [microA] [microB]");
            System.exit(2);
        }
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int[] micro = {args.length > 3 ? Integer.parseInt(args[3]) : 1, args.length > 4 ? Integer.parseInt(args[4]) : 1};
        Side[] sides = {new Side(args[0], micro[0]), new Side(args[1], micro[1])};
        Random r = new Random(1);
        int[] x = new int[BATCH * T], y = new int[BATCH * T];
        for (int i = 0; i < x.length; i++) { x[i] = r.nextInt(VOCAB); y[i] = r.nextInt(VOCAB); }
        int[][][] xs = new int[2][][], ys = new int[2][][];
        for (int v = 0; v < 2; v++) {
            int n = BATCH / micro[v] * T;
            xs[v] = new int[micro[v]][];
            ys[v] = new int[micro[v]][];
            for (int m = 0; m < micro[v]; m++) {
                xs[v][m] = Arrays.copyOfRange(x, m * n, m * n + n);
                ys[v][m] = Arrays.copyOfRange(y, m * n, m * n + n);
            }
        }
        double[][] ms = new double[2][rounds];
        for (int round = -4; round < rounds; round++) { // four warm-up rounds let C2 compile both sides
            for (int v = 0; v < 2; v++) {
                int reps = 40;
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) sides[v].step(xs[v], ys[v]);
                if (round >= 0) ms[v][round] = (System.nanoTime() - t0) / 1e6 / reps;
            }
        }
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) ratio[i] = ms[1][i] / ms[0][i];
        double[] a = ms[0].clone(), b = ms[1].clone();
        Arrays.sort(a);
        Arrays.sort(b);
        Arrays.sort(ratio);
        System.out.printf("step ms: A best %.2f median %.2f | B best %.2f median %.2f | B/A per round: median %.3f (min %.3f, max %.3f)%n",
                a[0], a[rounds / 2], b[0], b[rounds / 2], ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
        System.exit(0); // the two pools' worker threads are not daemons
    }
}
