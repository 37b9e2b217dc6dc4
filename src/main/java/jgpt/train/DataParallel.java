package jgpt.train;

import java.util.Arrays;
import jgpt.autograd.Tape;
import jgpt.distributed.Collective;
import jgpt.distributed.SingleProcess;
import jgpt.kernels.IntRangeBody;
import jgpt.kernels.Parallel;
import jgpt.kernels.Split;
import jgpt.kernels.Vec;
import jgpt.model.Gpt;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;

/**
 * Forward and backward of one batch, split by rows across model replicas that share the weights but own their
 * gradients and activation buffers, each replica on its own core. For small models this beats splitting every
 * op across cores: a `baby` step is hundreds of tiny ops, and each split op costs a hand-off between threads.
 * The number of replicas depends on the model and batch only (never on the core count), and replica gradients
 * are added into the model's in a fixed order, so a run gives the same bits on any machine.
 * Each replica's first training step is captured on its tape and later steps replay it (see {@link Tape#replay()}):
 * the inputs, targets and Rng it reads are this object's own arrays, refilled before every step, so a step in the
 * steady state runs no model code and allocates nothing.
 * <p>Across processes (MPI ranks) the batch is cut the same way into {@link #slices} slices, and each rank runs
 * its own consecutive slices. Every rank draws the whole batch and the dropout seeds from the same random stream,
 * as many as one process draws, so the stream (and every later batch) is the same for any rank count, and two ranks
 * compute exactly what the two in-process replicas of one process compute. With more slices than one process has
 * replicas, slices derive their dropout seeds from those draws: the same batches, other dropout masks.
 */
public final class DataParallel implements IntRangeBody {
    /** Above this many parameters one model uses every core per op (big GEMMs split well; a gradient copy costs memory). */
    static final long MAX_PARAMETERS = Long.getLong("jgpt.dataParallel.maxParameters", 50_000_000L);

    private final Gpt[] replicas;          // [0] is the model itself
    private final Tape[] tapes;
    private final Rng[] rngs;
    private final int[][] inputs, targets;
    private final int[] rows;              // row boundaries of all slices of the batch, every rank's
    private final int firstSlice;          // this rank's replica r runs slice firstSlice + r
    private final Collective comm;
    private final float[] lossSum = new float[1];
    private final long[] seeds;            // dropout seeds drawn per step: as many as one process has replicas
    private final float[] losses;
    private final Tensor[] capturedLoss;
    private final int time;
    private float scale;
    private boolean training;

    public DataParallel(Gpt model, int batch, int time) {
        this(model, batch, time, new SingleProcess());
    }

    /** This rank's share of the batch; losses are summed over ranks (gradients are left to the caller). */
    public DataParallel(Gpt model, int batch, int time, Collective comm) {
        int slices = slices(model, batch, comm.size()), n = slices / comm.size();
        if (batch < slices) {
            throw new jgpt.UserException("--batch-size " + batch + " is smaller than the " + comm.size()
                    + " ranks; each rank needs at least one sequence of the batch");
        }
        this.comm = comm;
        this.seeds = new long[replicasFor(model, batch)];
        this.firstSlice = comm.rank() * n;
        this.replicas = new Gpt[n];
        this.tapes = new Tape[n];
        this.rngs = new Rng[n];
        this.inputs = new int[n][];
        this.targets = new int[n][];
        this.rows = new int[slices + 1];
        this.losses = new float[n];
        this.capturedLoss = new Tensor[n];
        this.time = time;
        for (int s = 0; s < slices; s++) rows[s + 1] = batch * (s + 1) / slices;
        for (int r = 0; r < n; r++) {
            replicas[r] = r == 0 ? model : model.replica();
            tapes[r] = new Tape();
            rngs[r] = new Rng(0);
            inputs[r] = new int[(rows[firstSlice + r + 1] - rows[firstSlice + r]) * time];
            targets[r] = new int[inputs[r].length];
        }
    }

    /**
     * Slices of the batch over all ranks: a multiple of the rank count, and as many as one process would use
     * (so two ranks cut the batch as one process with two replicas does).
     */
    static int slices(Gpt model, int batch, int ranks) {
        int alone = replicasFor(model, batch);
        return ranks * ((alone + ranks - 1) / ranks);
    }

    /** Two replicas for small models and even batches, else one. */
    public static int replicasFor(Gpt model, int batch) {
        int forced = Integer.getInteger("jgpt.dataParallel.replicas", 0);
        if (forced > 0) return Math.min(forced, batch);
        return batch % 2 == 0 && model.parameters().count() <= MAX_PARAMETERS ? 2 : 1;
    }

    public int replicas() { return replicas.length; }

    /**
     * Accumulates the gradient of {@code scale} x (mean loss over the batch) into every replica and returns the
     * mean loss. {@code rng} seeds each replica's dropout.
     */
    public float forwardBackward(int[] batchInputs, int[] batchTargets, float scale, Rng rng) {
        // as many draws as one process makes, on every rank: the batches that follow are then the same for any rank count
        for (int k = 0; k < seeds.length; k++) seeds[k] = rng.nextLong();
        int slices = rows.length - 1;
        for (int r = 0; r < replicas.length; r++) {
            int s = firstSlice + r;
            rngs[r].setState(slices == seeds.length ? seeds[s] : seeds[s * seeds.length / slices] + 0x9E3779B97F4A7C15L * (s + 1));
        }
        this.scale = scale;
        return run(batchInputs, batchTargets, true);
    }

    /** Mean loss over the batch without dropout or gradients (evaluation). */
    public float meanLoss(int[] batchInputs, int[] batchTargets) {
        return run(batchInputs, batchTargets, false);
    }

    private float run(int[] batchInputs, int[] batchTargets, boolean training) {
        int batch = rows[rows.length - 1];
        for (int r = 0; r < replicas.length; r++) {
            System.arraycopy(batchInputs, rows[firstSlice + r] * time, inputs[r], 0, inputs[r].length);
            System.arraycopy(batchTargets, rows[firstSlice + r] * time, targets[r], 0, targets[r].length);
        }
        this.training = training;
        Parallel.parallelFor(replicas.length, this);
        float loss = 0f;
        for (int r = 0; r < replicas.length; r++) loss += losses[r] * rowsOf(r) / batch;
        if (comm.size() == 1) return loss;
        lossSum[0] = loss;
        comm.allReduceSum(lossSum, 0, 1);
        return lossSum[0];
    }

    /**
     * Runs replicas [from, to). The kernels inside are nested jobs of the pool (see {@link Parallel}): they run on
     * this thread, and the other replica's thread helps with them once its own replica is done.
     */
    @Override
    public void run(int from, int to) {
        int batch = rows[rows.length - 1];
        for (int r = from; r < to; r++) {
            int b = rowsOf(r);
            Tape tape = tapes[r];
            if (training) {
                trainingStep(r, b, scale * b / batch);
                continue;
            }
            tape.reset(); // drops the captured training step; the next one captures again
            tape.setGradEnabled(false);
            try {
                losses[r] = replicas[r].loss(tape, inputs[r], targets[r], b, time, null).get(0);
            } finally {
                tape.reset();
                tape.setGradEnabled(true);
            }
        }
    }

    private int rowsOf(int r) {
        return rows[firstSlice + r + 1] - rows[firstSlice + r];
    }

    /** Forward and backward of replica r: replayed when captured, else run and captured. */
    private void trainingStep(int r, int b, float lossScale) {
        Tape tape = tapes[r];
        try {
            if (tape.hasCapture()) {
                tape.replay();
            } else {
                tape.beginCapture();
                capturedLoss[r] = replicas[r].loss(tape, inputs[r], targets[r], b, time, rngs[r]);
            }
            tape.backward(capturedLoss[r], lossScale);
            if (!tape.hasCapture()) tape.endCapture();
            losses[r] = capturedLoss[r].get(0);
        } catch (RuntimeException | Error e) {
            tape.reset(); // a failed step leaves no half-captured graph behind
            capturedLoss[r] = null;
            throw e;
        }
    }

    /** Adds every other local replica's gradients into the model's (in replica order) and zeroes them. */
    public void reduceGradients() {
        for (int r = 1; r < replicas.length; r++) {
            reducing = replicas[r].parameters().grad();
            Split.range(reducing.length, reduce);
        }
        reducing = null;
    }

    private float[] reducing;
    private final IntRangeBody reduce = this::reduceRange;

    private void reduceRange(int from, int to) {
        Vec.add(reducing, from, replicas[0].parameters().grad(), from, to - from);
        Arrays.fill(reducing, from, to, 0f);
    }
}
