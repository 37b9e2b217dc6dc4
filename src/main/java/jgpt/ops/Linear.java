package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.Gemm;
import jgpt.tensor.Tensor;

/** Affine map in Hugging Face Conv1D layout: y = x · W + b with x [..., in], W [in, out], b [out] (or null). */
public final class Linear {
    private Linear() {}

    public static Tensor apply(Tape tape, Tensor x, Tensor w, Tensor bias) {
        int in = w.shape().dim(0), outDim = w.shape().dim(1), rows = x.shape().rows();
        if (x.shape().last() != in) throw new IllegalArgumentException("linear: input " + x.shape() + " vs weight " + w.shape());
        Tensor out = tape.output(x.shape().withLast(outDim), tape.needsGrad(x, w, bias));
        float[] o = out.data();
        int oo = out.offset();
        tape.forward(() -> {
            if (bias != null) {
                for (int r = 0; r < rows; r++) System.arraycopy(bias.data(), bias.offset(), o, oo + r * outDim, outDim);
            }
            Gemm.sgemm(false, false, rows, outDim, in, x.data(), x.offset(), in, w.data(), w.offset(), outDim,
                    o, oo, outDim, bias != null);
        });
        if (out.requiresGrad()) {
            tape.record(() -> {
                float[] d = out.grad();
                int dOff = out.gradOffset();
                if (x.requiresGrad()) { // dX = dY · W^T
                    Gemm.sgemm(false, true, rows, in, outDim, d, dOff, outDim, w.data(), w.offset(), outDim,
                            x.grad(), x.gradOffset(), in, true);
                }
                if (w.requiresGrad()) { // dW = X^T · dY
                    Gemm.sgemm(true, false, in, outDim, rows, x.data(), x.offset(), in, d, dOff, outDim,
                            w.grad(), w.gradOffset(), outDim, true);
                }
                if (bias != null && bias.requiresGrad()) {
                    float[] gb = bias.grad();
                    int go = bias.gradOffset();
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < outDim; j++) gb[go + j] += d[dOff + r * outDim + j];
                    }
                }
            });
        }
        return out;
    }

    /** y = x · Wᵀ + b with W in PyTorch's nn.Linear layout [out, in] (Hugging Face's Marian, BART, ...). */
    public static Tensor applyTransposed(Tape tape, Tensor x, Tensor w, Tensor bias) {
        int outDim = w.shape().dim(0), in = w.shape().dim(1), rows = x.shape().rows();
        if (x.shape().last() != in) throw new IllegalArgumentException("linear: input " + x.shape() + " vs weight " + w.shape() + " [out, in]");
        Tensor out = tape.output(x.shape().withLast(outDim), tape.needsGrad(x, w, bias));
        float[] o = out.data();
        int oo = out.offset();
        tape.forward(() -> {
            if (bias != null) {
                for (int r = 0; r < rows; r++) System.arraycopy(bias.data(), bias.offset(), o, oo + r * outDim, outDim);
            }
            Gemm.sgemm(false, true, rows, outDim, in, x.data(), x.offset(), in, w.data(), w.offset(), in,
                    o, oo, outDim, bias != null);
        });
        if (out.requiresGrad()) {
            tape.record(() -> {
                float[] d = out.grad();
                int dOff = out.gradOffset();
                if (x.requiresGrad()) { // dX = dY · W
                    Gemm.sgemm(false, false, rows, in, outDim, d, dOff, outDim, w.data(), w.offset(), in,
                            x.grad(), x.gradOffset(), in, true);
                }
                if (w.requiresGrad()) { // dW = dYᵀ · X
                    Gemm.sgemm(true, false, outDim, in, rows, d, dOff, outDim, x.data(), x.offset(), in,
                            w.grad(), w.gradOffset(), in, true);
                }
                if (bias != null && bias.requiresGrad()) {
                    float[] gb = bias.grad();
                    int go = bias.gradOffset();
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < outDim; j++) gb[go + j] += d[dOff + r * outDim + j];
                    }
                }
            });
        }
        return out;
    }
}
