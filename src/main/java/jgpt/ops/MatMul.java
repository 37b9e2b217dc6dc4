package jgpt.ops;

import jgpt.autograd.Tape;
import jgpt.kernels.Gemm;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/**
 * Matrix product a · op(b). a is [..., M, K]. b is either one matrix [K, N] (or [N, K] when transB) shared by
 * every leading index of a, or a batch [..., K, N] with the same leading dims as a.
 */
public final class MatMul {
    private MatMul() {}

    public static Tensor apply(Tape tape, Tensor a, Tensor b, boolean transB) {
        Shape as = a.shape(), bs = b.shape();
        int k = as.last();
        int bk = transB ? bs.dim(-1) : bs.dim(-2), n = transB ? bs.dim(-2) : bs.dim(-1);
        if (bk != k) throw new IllegalArgumentException("matmul inner dims differ: " + as + " x " + bs + (transB ? "^T" : ""));
        boolean shared = bs.rank() == 2;
        int batch = shared ? 1 : bs.size() / (bk * n);
        int m = shared ? as.rows() : as.dim(-2);
        if (!shared && (as.rank() != bs.rank() || as.size() / (m * k) != batch)) {
            throw new IllegalArgumentException("matmul batch dims differ: " + as + " x " + bs);
        }
        Tensor out = tape.output(as.withLast(n), tape.needsGrad(a, b));
        tape.forward(() -> {
            for (int i = 0; i < batch; i++) {
                Gemm.sgemm(false, transB, m, n, k, a.data(), a.offset() + i * m * k, k,
                        b.data(), b.offset() + i * k * n, transB ? k : n, out.data(), out.offset() + i * m * n, n, false);
            }
        });
        if (out.requiresGrad()) {
            tape.record(() -> {
                for (int i = 0; i < batch; i++) {
                    int ao = i * m * k, bo = i * k * n, oo = i * m * n;
                    if (a.requiresGrad()) { // dA = dOut · op(B)^T
                        Gemm.sgemm(false, !transB, m, k, n, out.grad(), out.gradOffset() + oo, n,
                                b.data(), b.offset() + bo, transB ? k : n, a.grad(), a.gradOffset() + ao, k, true);
                    }
                    if (b.requiresGrad()) {
                        if (transB) { // dB[N,K] = dOut^T · A
                            Gemm.sgemm(true, false, n, k, m, out.grad(), out.gradOffset() + oo, n,
                                    a.data(), a.offset() + ao, k, b.grad(), b.gradOffset() + bo, k, true);
                        } else { // dB[K,N] = A^T · dOut
                            Gemm.sgemm(true, false, k, n, m, a.data(), a.offset() + ao, k,
                                    out.grad(), out.gradOffset() + oo, n, b.grad(), b.gradOffset() + bo, n, true);
                        }
                    }
                }
            });
        }
        return out;
    }
}
