package jgpt.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer normalisation over the last dimension C of {@code rows} rows (biased variance, as PyTorch).
 * {@link #forward}/{@link #backward} use the Vector API; the {@code *Scalar} twins are the specification.
 */
public final class LayerNormKernel {
    private LayerNormKernel() {}

    private static final VectorSpecies<Float> S = Vec.S;
    private static final int L = Vec.L;

    /** out = (x - mean) * rstd * w + b; saves mean and rstd per row for the backward pass. b may be null. */
    public static void forward(float[] x, int xOff, float[] out, int outOff, float[] w, int wOff, float[] b, int bOff,
                               float[] mean, float[] rstd, int rows, int c, float eps) {
        forward(x, xOff, out, outOff, w, wOff, b, bOff, mean, rstd, 0, rows, c, eps);
    }

    /** As above, with row r's statistics at mean[statOff + r] and rstd[statOff + r]. */
    public static void forward(float[] x, int xOff, float[] out, int outOff, float[] w, int wOff, float[] b, int bOff,
                               float[] mean, float[] rstd, int statOff, int rows, int c, float eps) {
        int bound = S.loopBound(c);
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * c, oi = outOff + r * c;
            float m = Vec.sum(x, xi, c) / c;
            FloatVector vm = FloatVector.broadcast(S, m), acc = FloatVector.zero(S);
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector d = FloatVector.fromArray(S, x, xi + i).sub(vm);
                acc = d.fma(d, acc);
            }
            float var = VecMath.sum(acc);
            for (; i < c; i++) {
                float d = x[xi + i] - m;
                var += d * d;
            }
            float s = (float) (1.0 / Math.sqrt(var / c + eps));
            FloatVector vs = FloatVector.broadcast(S, s);
            i = 0;
            for (; i < bound; i += L) {
                FloatVector n = FloatVector.fromArray(S, x, xi + i).sub(vm).mul(vs);
                FloatVector vw = FloatVector.fromArray(S, w, wOff + i);
                FloatVector o = b == null ? n.mul(vw) : n.fma(vw, FloatVector.fromArray(S, b, bOff + i));
                o.intoArray(out, oi + i);
            }
            for (; i < c; i++) {
                float n = (x[xi + i] - m) * s;
                out[oi + i] = b == null ? n * w[wOff + i] : n * w[wOff + i] + b[bOff + i];
            }
            if (mean != null) {
                mean[statOff + r] = m;
                rstd[statOff + r] = s;
            }
        }
    }

    /** Accumulates dx, dw and db (any may be null) from dout. */
    public static void backward(float[] dout, int dOff, float[] x, int xOff, float[] w, int wOff,
                                float[] mean, float[] rstd, float[] dx, int dxOff, float[] dw, int dwOff,
                                float[] db, int dbOff, int rows, int c) {
        backward(dout, dOff, x, xOff, w, wOff, mean, rstd, 0, dx, dxOff, dw, dwOff, db, dbOff, rows, c);
    }

    /** As above, with row r's statistics at mean[statOff + r] and rstd[statOff + r]. */
    public static void backward(float[] dout, int dOff, float[] x, int xOff, float[] w, int wOff,
                                float[] mean, float[] rstd, int statOff, float[] dx, int dxOff, float[] dw, int dwOff,
                                float[] db, int dbOff, int rows, int c) {
        int bound = S.loopBound(c);
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * c, di = dOff + r * c, dxi = dxOff + r * c;
            float m = mean[statOff + r], s = rstd[statOff + r];
            FloatVector vm = FloatVector.broadcast(S, m), vs = FloatVector.broadcast(S, s);
            FloatVector accD = FloatVector.zero(S), accDN = FloatVector.zero(S);
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector n = FloatVector.fromArray(S, x, xi + i).sub(vm).mul(vs);
                FloatVector g = FloatVector.fromArray(S, dout, di + i);
                FloatVector dn = FloatVector.fromArray(S, w, wOff + i).mul(g);
                accD = dn.add(accD);
                accDN = dn.fma(n, accDN);
                if (dw != null) n.fma(g, FloatVector.fromArray(S, dw, dwOff + i)).intoArray(dw, dwOff + i);
                if (db != null) g.add(FloatVector.fromArray(S, db, dbOff + i)).intoArray(db, dbOff + i);
            }
            float meanD = VecMath.sum(accD), meanDN = VecMath.sum(accDN);
            for (; i < c; i++) {
                float n = (x[xi + i] - m) * s;
                float g = dout[di + i];
                float dn = w[wOff + i] * g;
                meanD += dn;
                meanDN += dn * n;
                if (dw != null) dw[dwOff + i] += n * g;
                if (db != null) db[dbOff + i] += g;
            }
            if (dx == null) continue;
            meanD /= c;
            meanDN /= c;
            FloatVector vD = FloatVector.broadcast(S, meanD), vDN = FloatVector.broadcast(S, meanDN);
            i = 0;
            for (; i < bound; i += L) {
                FloatVector n = FloatVector.fromArray(S, x, xi + i).sub(vm).mul(vs);
                FloatVector dn = FloatVector.fromArray(S, w, wOff + i).mul(FloatVector.fromArray(S, dout, di + i));
                dn.sub(vD).sub(n.mul(vDN)).fma(vs, FloatVector.fromArray(S, dx, dxi + i)).intoArray(dx, dxi + i);
            }
            for (; i < c; i++) {
                float n = (x[xi + i] - m) * s;
                float dn = w[wOff + i] * dout[di + i];
                dx[dxi + i] += (dn - meanD - n * meanDN) * s;
            }
        }
    }

    /** out = (x - mean) * rstd * w + b; saves mean and rstd per row for the backward pass. b may be null. */
    public static void forwardScalar(float[] x, int xOff, float[] out, int outOff, float[] w, int wOff, float[] b, int bOff,
                               float[] mean, float[] rstd, int rows, int c, float eps) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * c, oi = outOff + r * c;
            float sum = 0f;
            for (int i = 0; i < c; i++) sum += x[xi + i];
            float m = sum / c;
            float var = 0f;
            for (int i = 0; i < c; i++) {
                float d = x[xi + i] - m;
                var += d * d;
            }
            float s = (float) (1.0 / Math.sqrt(var / c + eps));
            for (int i = 0; i < c; i++) {
                float n = (x[xi + i] - m) * s;
                out[oi + i] = b == null ? n * w[wOff + i] : n * w[wOff + i] + b[bOff + i];
            }
            if (mean != null) {
                mean[r] = m;
                rstd[r] = s;
            }
        }
    }

    /** Accumulates dx, dw and db (db may be null) from dout. */
    public static void backwardScalar(float[] dout, int dOff, float[] x, int xOff, float[] w, int wOff,
                                float[] mean, float[] rstd, float[] dx, int dxOff, float[] dw, int dwOff,
                                float[] db, int dbOff, int rows, int c) {
        for (int r = 0; r < rows; r++) {
            int xi = xOff + r * c, di = dOff + r * c;
            float m = mean[r], s = rstd[r];
            float meanD = 0f, meanDN = 0f;
            for (int i = 0; i < c; i++) {
                float n = (x[xi + i] - m) * s;
                float dn = w[wOff + i] * dout[di + i];
                meanD += dn;
                meanDN += dn * n;
            }
            meanD /= c;
            meanDN /= c;
            for (int i = 0; i < c; i++) {
                float n = (x[xi + i] - m) * s;
                float g = dout[di + i];
                if (dw != null) dw[dwOff + i] += n * g;
                if (db != null) db[dbOff + i] += g;
                if (dx != null) {
                    float dn = w[wOff + i] * g;
                    dx[dxOff + r * c + i] += (dn - meanD - n * meanDN) * s;
                }
            }
        }
    }
}
