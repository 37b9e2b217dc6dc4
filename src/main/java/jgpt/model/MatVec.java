package jgpt.model;

import java.util.concurrent.atomic.AtomicInteger;
import jgpt.kernels.ActivationKernel;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Parallel;
import jgpt.tensor.Tensor;

/**
 * One decode-time matrix-vector product split by output rows across the cores, with its epilogue fused into
 * the same row range while it is still in L1: out = W·x (+ bias), then the activation, or residual += out.
 * Rows are handed out in small chunks from a shared counter rather than in fixed halves: on a shared machine
 * one core is often briefly taken, and the other then does most of the matrix instead of idling.
 * Reused for every product so the per-token loop allocates nothing.
 */
final class MatVec implements IntRangeBody {
    /** Below this many weights a product runs on the calling thread (a hand-off costs more). */
    private static final long PARALLEL_MIN = 1 << 15;
    /** Weights per chunk of rows: big enough to amortise the counter, small enough to balance. */
    private static final int CHUNK_WEIGHTS = 1 << 16;

    private final AtomicInteger nextChunk = new AtomicInteger();
    private int chunkRows, chunks;

    private DecodeMatrix w;
    private float[] x, out, bias, residual;
    private int biasOff;
    private Activation act;

    /** out = w·x + bias, then act (null: none), then residual += out (residual may be null). */
    void apply(DecodeMatrix w, float[] x, float[] out, Tensor bias, Activation act, float[] residual) {
        this.w = w;
        this.x = x;
        this.out = out;
        this.bias = bias == null ? null : bias.data();
        this.biasOff = bias == null ? 0 : bias.offset();
        this.act = act;
        this.residual = residual;
        w.prepare(x);
        if ((long) w.rows() * w.cols() < PARALLEL_MIN || Parallel.threads() == 1) {
            rows(0, w.rows());
            return;
        }
        chunkRows = Math.max(4, CHUNK_WEIGHTS / w.cols());
        chunks = (w.rows() + chunkRows - 1) / chunkRows;
        nextChunk.set(0);
        Parallel.parallelFor(Parallel.threads(), this);
    }

    /** Each participant takes chunks until none are left. */
    @Override
    public void run(int from, int to) {
        for (int c; (c = nextChunk.getAndIncrement()) < chunks; ) {
            rows(c * chunkRows, Math.min(w.rows(), (c + 1) * chunkRows));
        }
    }

    private void rows(int from, int to) {
        w.multiply(x, out, from, to);
        if (bias != null) {
            for (int r = from; r < to; r++) out[r] += bias[biasOff + r];
        }
        if (act == Activation.GELU_NEW) ActivationKernel.geluForward(out, from, out, from, to - from);
        else if (act == Activation.GELU) jgpt.kernels.GeluErfKernel.forward(out, from, out, from, to - from);
        else if (act == Activation.RELU) ActivationKernel.reluForward(out, from, out, from, to - from);
        if (residual != null) {
            for (int r = from; r < to; r++) residual[r] += out[r];
        }
    }
}
