package jgpt.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;
import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;

/** Accuracy of the deterministic exp/tanh against java.lang.Math, and vector lanes equal to the scalar twins bit for bit. */
class VecMathTest {
    @Test
    void expIsAccurateAndTwinsAgree() {
        Rng rng = new Rng(1);
        float[] x = new float[Vec.L];
        for (int trial = 0; trial < 20000; trial++) {
            for (int i = 0; i < x.length; i++) x[i] = (rng.nextFloat() - 0.5f) * 170f;
            float[] v = VecMath.exp(FloatVector.fromArray(Vec.S, x, 0)).toArray();
            for (int i = 0; i < x.length; i++) {
                double exact = Math.exp(x[i]);
                assertEquals(exact, v[i], 4e-7 * exact, "exp(" + x[i] + ")");
                assertEquals(Float.floatToIntBits(VecMath.exp(x[i])), Float.floatToIntBits(v[i]), "scalar twin at " + x[i]);
            }
        }
        assertEquals(1f, VecMath.exp(0f), 0f);
        assertEquals(0f, VecMath.exp(-1000f), 1e-37f);
    }

    @Test
    void laneSumIsExact() {
        float[] x = new float[Vec.L];
        double expected = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 0.25f;
            expected += x[i];
        }
        assertEquals(expected, VecMath.sum(FloatVector.fromArray(Vec.S, x, 0)), 1e-4);
    }
}
