package jgpt.kernels;

import static jgpt.kernels.VectorTwinTest.assertClose;

import jgpt.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * The general (rectangular, key-masked, optionally causal) form of {@link FlashAttentionKernel} against its scalar
 * twin: query counts and key lengths below, at and across the tile sizes, padded keys that must get no weight and
 * no gradient, strided rows (q, k, v interleaved in one buffer and in separate ones).
 */
class MaskedAttentionKernelTest {
    private final Rng rng = new Rng(41);

    private float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rng.nextGaussian();
        return v;
    }

    record Run(float[] out, float[] lse, float[] dq, float[] dk, float[] dv) {}

    /** One head of width hd at channel offset 3 of rows `stride` wide: tq queries, s keys of which keyLen are real. */
    private Run run(boolean scalar, float[] q, float[] k, float[] v, float[] dout, int tq, int s, int keyLen, boolean causal, int hd, int stride) {
        float[] out = new float[tq * stride], lse = new float[tq + 2], dq = new float[q.length], dk = new float[k.length], dv = new float[v.length];
        int h = 3;
        if (scalar) {
            FlashAttentionKernel.forwardScalar(q, h, stride, k, h, stride, v, h, stride, out, h, stride, lse, 2, tq, keyLen, causal, hd);
            FlashAttentionKernel.backwardScalar(q, h, stride, k, h, stride, v, h, stride, dq, h, dk, h, dv, h,
                    out, h, dout, h, stride, lse, 2, tq, keyLen, causal, hd);
        } else {
            float[] scratch = new float[7 + FlashAttentionKernel.SCRATCH];
            FlashAttentionKernel.forward(q, h, stride, k, h, stride, v, h, stride, out, h, stride, lse, 2, scratch, 7, tq, keyLen, causal, hd);
            FlashAttentionKernel.backward(q, h, stride, k, h, stride, v, h, stride, dq, h, dk, h, dv, h,
                    out, h, dout, h, stride, lse, 2, scratch, 7, tq, keyLen, causal, hd);
        }
        return new Run(out, lse, dq, dk, dv);
    }

    @Test void matchesScalarTwin() {
        int[][] shapes = {{1, 1, 1}, {1, 7, 5}, {9, 13, 13}, {5, 40, 29}, {100, 30, 22}, {97, 400, 390}, {200, 777, 500}};
        for (int hd : new int[] {8, 16, 64}) {
            for (int[] sh : shapes) {
                for (boolean causal : new boolean[] {false, true}) {
                    int tq = sh[0], s = causal ? sh[0] : sh[1], keyLen = causal ? Math.max(1, sh[0] - sh[0] / 3) : sh[2];
                    int stride = hd + 5;
                    float[] q = random(tq * stride), k = random(s * stride), v = random(s * stride), dout = random(tq * stride);
                    Run want = run(true, q, k, v, dout, tq, s, keyLen, causal, hd, stride);
                    Run got = run(false, q, k, v, dout, tq, s, keyLen, causal, hd, stride);
                    String at = " hd=" + hd + " tq=" + tq + " s=" + s + " keyLen=" + keyLen + " causal=" + causal;
                    assertClose(want.out(), got.out(), 1e-5f, "out" + at);
                    assertClose(want.lse(), got.lse(), 1e-5f, "lse" + at);
                    assertClose(want.dq(), got.dq(), 1e-5f, "dq" + at);
                    assertClose(want.dk(), got.dk(), 1e-5f, "dk" + at);
                    assertClose(want.dv(), got.dv(), 1e-5f, "dv" + at);
                    for (int j = keyLen * stride; j < s * stride; j++) {
                        if (got.dk()[j] != 0f || got.dv()[j] != 0f) throw new AssertionError("padded key " + j / stride + " got a gradient" + at);
                    }
                }
            }
        }
    }

    /** Padded keys' contents must not matter: changing them leaves the output bit-identical. */
    @Test void paddedKeysAreInvisible() {
        int tq = 6, s = 11, keyLen = 8, hd = 16, stride = hd + 5;
        float[] q = random(tq * stride), k = random(s * stride), v = random(s * stride), dout = random(tq * stride);
        Run a = run(false, q, k, v, dout, tq, s, keyLen, false, hd, stride);
        for (int j = keyLen * stride; j < s * stride; j++) { k[j] = 1e3f; v[j] = -1e3f; }
        Run b = run(false, q, k, v, dout, tq, s, keyLen, false, hd, stride);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.out(), b.out());
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.dq(), b.dq());
    }
}
