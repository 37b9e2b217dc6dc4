package jgpt.kernels;

import static jgpt.kernels.VectorTwinTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * The flash kernel against its scalar twin and against the stored-probability {@link AttentionKernel}, on sequence
 * lengths that are not multiples of either tile, and head sizes below and at the vector length.
 */
class FlashAttentionKernelTest {
    // 1 .. 130 fit in one key tile; 401 and 800 need two and three, the last one partial
    static final int[] LENGTHS = {1, 5, 33, 70, 130, 401, 800};
    static final int[] HEAD_SIZES = {8, 16, 64};
    static final int B = 2, NH = 2, QKV_OFF = 3, GRAD_OFF = 1, SCRATCH_OFF = 5;
    private final Rng rng = new Rng(23);

    float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }

    /** Output and qkv gradient of one kernel over all pairs. */
    record Result(float[] out, float[] dqkv, float[] lse) {}

    static Result flash(float[] qkv, float[] dout, int t, int c) {
        float[] out = new float[B * t * c], lse = new float[B * NH * t], dqkv = new float[qkv.length];
        float[] scratch = new float[SCRATCH_OFF + FlashAttentionKernel.SCRATCH];
        for (int bh = 0; bh < B * NH; bh++) {
            FlashAttentionKernel.forward(qkv, QKV_OFF, out, 0, lse, scratch, SCRATCH_OFF, bh / NH, bh % NH, t, c, NH);
        }
        for (int bh = 0; bh < B * NH; bh++) {
            FlashAttentionKernel.backward(qkv, QKV_OFF, out, 0, lse, dqkv, GRAD_OFF, dout, 0, scratch, SCRATCH_OFF,
                    bh / NH, bh % NH, t, c, NH);
        }
        return new Result(out, dqkv, lse);
    }

    static Result flashScalar(float[] qkv, float[] dout, int t, int c) {
        float[] out = new float[B * t * c], lse = new float[B * NH * t], dqkv = new float[qkv.length];
        for (int bh = 0; bh < B * NH; bh++) {
            FlashAttentionKernel.forwardScalar(qkv, QKV_OFF, out, 0, lse, bh / NH, bh % NH, t, c, NH);
        }
        for (int bh = 0; bh < B * NH; bh++) {
            FlashAttentionKernel.backwardScalar(qkv, QKV_OFF, out, 0, lse, dqkv, GRAD_OFF, dout, 0, bh / NH, bh % NH, t, c, NH);
        }
        return new Result(out, dqkv, lse);
    }

    static Result storedProbabilities(float[] qkv, float[] dout, int t, int c) {
        float[] out = new float[B * t * c], att = new float[B * NH * t * t], dqkv = new float[qkv.length];
        float[] dp = new float[AttentionKernel.TILE * t];
        for (int bh = 0; bh < B * NH; bh++) {
            AttentionKernel.forward(qkv, QKV_OFF, out, 0, att, null, null, bh / NH, bh % NH, t, c, NH);
            AttentionKernel.backward(qkv, QKV_OFF, dqkv, GRAD_OFF, dout, 0, att, null, null, dp, 0, bh / NH, bh % NH, t, c, NH);
        }
        return new Result(out, dqkv, null);
    }

    @Test void matchesScalarTwinAndStoredProbabilities() {
        for (int hd : HEAD_SIZES) {
            for (int t : LENGTHS) {
                int c = hd * NH;
                float[] qkv = random(QKV_OFF + B * t * 3 * c), dout = random(B * t * c);
                Result got = flash(qkv, dout, t, c), twin = flashScalar(qkv, dout, t, c), stored = storedProbabilities(qkv, dout, t, c);
                String at = " hd=" + hd + " t=" + t;
                assertClose(twin.out(), got.out(), 1e-5f, "out vs twin" + at);
                assertClose(twin.lse(), got.lse(), 1e-5f, "lse vs twin" + at);
                assertClose(twin.dqkv(), got.dqkv(), 1e-5f, "dqkv vs twin" + at);
                assertClose(stored.out(), got.out(), 1e-5f, "out vs stored" + at);
                assertClose(stored.dqkv(), got.dqkv(), 1e-5f, "dqkv vs stored" + at);
            }
        }
    }

    @Test void bitIdenticalRunToRun() {
        int t = 401, c = 64 * NH;
        float[] qkv = random(QKV_OFF + B * t * 3 * c), dout = random(B * t * c);
        Result first = flash(qkv, dout, t, c);
        for (int run = 0; run < 3; run++) {
            Result again = flash(qkv, dout, t, c);
            assertArrayEquals(first.out(), again.out());
            assertArrayEquals(first.lse(), again.lse());
            assertArrayEquals(first.dqkv(), again.dqkv());
        }
    }
}
