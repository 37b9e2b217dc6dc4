package jgpt.ops;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;
import jgpt.autograd.Tape;
import jgpt.tensor.Rng;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/**
 * Finite-difference gradient check: compares the tape's gradient of L = sum(f(inputs) * R), R a fixed random
 * tensor, with central differences (L(x + h) - L(x - h)) / 2h for every input element.
 */
final class GradCheck {
    private GradCheck() {}

    static Tensor random(Rng rng, double scale, int... dims) {
        Shape s = Shape.of(dims);
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * scale);
        return Tensor.leaf(s, v);
    }

    /** Checks d sum(f(x) * R) / dx for every element of every input. */
    static void check(String what, Function<Tape, Tensor> f, Tensor... inputs) {
        for (Tensor x : inputs) java.util.Arrays.fill(x.grad(), x.gradOffset(), x.gradOffset() + x.size(), 0f);
        Tape tape = new Tape();
        Tensor out = f.apply(tape);
        Rng rng = new Rng(99);
        float[] r = new float[out.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) rng.nextGaussian();
        Tensor weights = Tensor.of(out.shape(), r);
        Tensor loss = Sum.weighted(tape, out, weights);
        tape.backward(loss);
        double h = 1e-2;
        for (int n = 0; n < inputs.length; n++) {
            Tensor x = inputs[n];
            for (int i = 0; i < x.size(); i++) {
                float orig = x.get(i);
                x.set(i, (float) (orig + h));
                double plus = value(f, weights);
                x.set(i, (float) (orig - h));
                double minus = value(f, weights);
                x.set(i, orig);
                double numeric = (plus - minus) / (2 * h);
                double analytic = x.gradAt(i);
                double err = Math.abs(numeric - analytic);
                if (err > 2e-3 + 2e-2 * Math.abs(numeric)) {
                    fail(what + ": input " + n + " element " + i + ": analytic " + analytic + " vs numeric " + numeric);
                }
            }
        }
    }

    private static double value(Function<Tape, Tensor> f, Tensor weights) {
        Tape tape = new Tape();
        tape.setGradEnabled(false);
        Tensor out = f.apply(tape);
        double s = 0;
        for (int i = 0; i < out.size(); i++) s += (double) out.get(i) * weights.get(i);
        return s;
    }
}
