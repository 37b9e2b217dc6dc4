package jgpt.model;

import java.util.concurrent.atomic.AtomicInteger;
import jgpt.kernels.ActivationKernel;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Parallel;
import jgpt.tensor.Tensor;

/**
 * {@link MatVec} for a batch of B inputs: out[b] = W·x[b] (+ bias, activation, residual) for every row b.
 * The matrix is walked in chunks of rows small enough to stay in cache; each chunk is multiplied with all B inputs
 * before the next is read ({@link DecodeMatrix#multiplyBatch}), so the weights come from memory once per step
 * whatever B is. (A register-blocked kernel of two rows times four inputs was tried: C2 boxed its vectors,
 * 7-24 MB allocated per token, so each input runs the single-row kernel over the cached chunk instead.) Each input goes through the same row kernel as {@link MatVec}, so a sequence's numbers are
 * bitwise the same whether it is decoded alone or with others. Reused for every product: allocates nothing.
 */
final class BatchMatVec implements IntRangeBody {
    private static final long PARALLEL_MIN = 1 << 15;
    /** Weights per chunk of rows: 256 KB of fp32, kept in L2 while all B inputs use it (32 KB chunks measured the same). */
    private static final int CHUNK_WEIGHTS = 1 << 16;

    private final AtomicInteger nextChunk = new AtomicInteger();
    private final float[] prepared; // [B, preparedLength] inputs in the matrix's own form
    private int chunkRows, chunks, batch;

    private DecodeMatrix w;
    private float[] out, bias, residual;
    private int biasOff, preparedStride;
    private Activation act;

    BatchMatVec(int maxBatch, int maxCols) {
        prepared = new float[maxBatch * (maxCols + 2)];
    }

    /** out[b*rows, +rows) = w·x[b*cols, +cols) + bias, then act, then residual[b*rows, +rows) += it; b in [0, batch). */
    void apply(DecodeMatrix w, float[] x, int batch, float[] out, Tensor bias, Activation act, float[] residual) {
        this.w = w;
        this.batch = batch;
        this.out = out;
        this.bias = bias == null ? null : bias.data();
        this.biasOff = bias == null ? 0 : bias.offset();
        this.act = act;
        this.residual = residual;
        preparedStride = w.preparedLength();
        for (int b = 0; b < batch; b++) w.prepareInto(x, b * w.cols(), prepared, b * preparedStride);
        if ((long) w.rows() * w.cols() < PARALLEL_MIN || Parallel.threads() == 1) {
            rows(0, w.rows());
            return;
        }
        chunkRows = Math.max(4, CHUNK_WEIGHTS / w.cols());
        chunks = (w.rows() + chunkRows - 1) / chunkRows;
        nextChunk.set(0);
        Parallel.parallelFor(Parallel.threads(), this);
    }

    @Override
    public void run(int from, int to) {
        for (int c; (c = nextChunk.getAndIncrement()) < chunks; ) {
            rows(c * chunkRows, Math.min(w.rows(), (c + 1) * chunkRows));
        }
    }

    private void rows(int from, int to) {
        int n = w.rows();
        w.multiplyBatch(prepared, preparedStride, batch, out, n, from, to);
        for (int b = 0; b < batch; b++) {
            int o = b * n;
            if (bias != null) {
                for (int r = from; r < to; r++) out[o + r] += bias[biasOff + r];
            }
            if (act == Activation.GELU_NEW) ActivationKernel.geluForward(out, o + from, out, o + from, to - from);
            else if (act == Activation.GELU) jgpt.kernels.GeluErfKernel.forward(out, o + from, out, o + from, to - from);
            else if (act == Activation.RELU) ActivationKernel.reluForward(out, o + from, out, o + from, to - from);
            if (residual != null) {
                for (int r = from; r < to; r++) residual[o + r] += out[o + r];
            }
        }
    }
}
