package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/** Test helper op: sum(x * w) for a constant w, to turn any output into a scalar loss. */
final class Sum {
    private Sum() {}

    static Tensor weighted(Tape tape, Tensor x, Tensor w) {
        Tensor out = tape.output(Shape.of(), tape.needsGrad(x));
        double s = 0;
        for (int i = 0; i < x.size(); i++) s += (double) x.get(i) * w.get(i);
        out.set(0, (float) s);
        if (out.requiresGrad()) {
            tape.record(() -> {
                float g = out.grad()[out.gradOffset()];
                for (int i = 0; i < x.size(); i++) x.grad()[x.gradOffset() + i] += g * w.get(i);
            });
        }
        return out;
    }
}
