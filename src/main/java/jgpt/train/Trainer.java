package jgpt.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import jgpt.distributed.Collective;
import jgpt.distributed.SingleProcess;
import jgpt.io.IOConsumer;
import jgpt.model.Gpt;
import jgpt.tensor.Rng;

/**
 * The training loop of nanoGPT's train.py: random batches, gradient accumulation, clipping, AdamW with a
 * warm-up + cosine schedule, periodic train/val estimates and checkpoints. One {@link Rng} drives batches and
 * dropout and is saved in every checkpoint, so a resumed run continues bit-exactly.
 * <p>Under MPI every rank runs this loop in step: each computes its slices of the global batch (see
 * {@link DataParallel}), gradients are summed across ranks and every rank applies the same AdamW step. With ZeRO
 * stage 1 each rank keeps the moments of its shard of the parameters only: gradients are reduce-scattered, each
 * rank updates its shard, and the weights are all-gathered. Rank 0 alone reports progress and writes checkpoints
 * (ordinary folders: the moments are gathered to it first).
 * <pre>{@code
 * Trainer t = new Trainer(model, cfg, trainTokens, valTokens, outDir, listener);
 * t.runUntil(cfg.maxIters());
 * }</pre>
 */
public final class Trainer {
    private final Gpt model;
    private final TrainConfig cfg;
    private final AdamW optimizer;
    private final GradClip gradClip;
    private final BatchSampler trainBatches, valBatches, trainEvalBatches;
    private final DataParallel replicas;
    private final Rng rng;
    private final LossLog log;
    private final Path outDir;
    private final TrainingListener listener;
    private Map<String, String> runInfo = Map.of();
    private IOConsumer<Path> extraFiles;
    private int endOfText = -1;
    private int step;
    private final int seqLen;
    private volatile boolean stopRequested;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    /** Periodic checkpoints are written while training goes on; the weights wait for them before they change. */
    private final BackgroundWrite checkpointWrite = new BackgroundWrite();
    private final Collective comm;
    private final boolean zero;
    /** ZeRO-1: rank r updates parameters [displs[r], displs[r] + counts[r]). */
    private final int[] shardCounts, shardDispls;
    private final double[] squares = new double[1];
    private final byte[] normBytes = new byte[4];
    private final TokenSource trainTokens, valTokens;
    private boolean ranksChecked;
    private long commNanos;
    private int commSteps;

    public Trainer(Gpt model, TrainConfig cfg, TokenSource train, TokenSource val, Path outDir, TrainingListener listener) {
        this(model, cfg, train, val, outDir, listener, new SingleProcess(), 0);
    }

    /**
     * One rank of a data-parallel run over {@code comm}; {@code zeroStage} 1 shards the optimizer state across ranks
     * (0: every rank keeps all of it). Only rank 0 calls the listener and writes to {@code outDir}.
     */
    public Trainer(Gpt model, TrainConfig cfg, TokenSource train, TokenSource val, Path outDir, TrainingListener listener,
                   Collective comm, int zeroStage) {
        if (zeroStage != 0 && zeroStage != 1) throw new jgpt.UserException("--zero must be 0 or 1, got " + zeroStage);
        this.model = model;
        this.cfg = cfg;
        this.comm = comm;
        this.zero = zeroStage == 1;
        int count = model.parameters().count(), ranks = comm.size();
        this.shardCounts = new int[ranks];
        this.shardDispls = new int[ranks];
        for (int r = 0; r < ranks; r++) {
            shardDispls[r] = (int) ((long) count * r / ranks);
            shardCounts[r] = (int) ((long) count * (r + 1) / ranks) - shardDispls[r];
        }
        int lo = zero ? shardDispls[comm.rank()] : 0, hi = zero ? lo + shardCounts[comm.rank()] : count;
        this.optimizer = new AdamW(model.parameters(), cfg.beta1(), cfg.beta2(), 1e-8f, cfg.weightDecay(), lo, hi);
        if (cfg.freezeEmbeddings()) optimizer.freeze("wte.weight", "wpe.weight");
        this.gradClip = new GradClip(model.parameters().grad(), lo, hi);
        if (cfg.seqLen() > model.config().blockSize()) {
            throw new jgpt.UserException("--seq-len " + cfg.seqLen() + " exceeds the model's context " + model.config().blockSize());
        }
        int t = cfg.seqLen() > 0 ? cfg.seqLen() : model.config().blockSize();
        this.seqLen = t;
        this.trainBatches = new BatchSampler(train, cfg.batchSize(), t, "train");
        this.trainEvalBatches = new BatchSampler(train, cfg.batchSize(), t, "train");
        this.valBatches = new BatchSampler(val, cfg.batchSize(), t, "validation");
        this.replicas = new DataParallel(model, cfg.batchSize(), t, comm);
        this.rng = new Rng(cfg.seed());
        this.log = new LossLog();
        this.outDir = outDir;
        this.listener = listener == null || !comm.isRoot() ? TrainingListener.NONE : listener;
        this.trainTokens = train;
        this.valTokens = val;
    }

    /** Continues a run from a loaded checkpoint (its model, optimizer state, step and random state). */
    public static Trainer resume(Checkpoint.Loaded ckpt, TrainConfig cfg, TokenSource train, TokenSource val,
                                 Path outDir, TrainingListener listener) {
        return resume(ckpt, cfg, train, val, outDir, listener, new SingleProcess(), 0);
    }

    /** {@link #resume} as one rank of a data-parallel run (any number of ranks can resume any checkpoint). */
    public static Trainer resume(Checkpoint.Loaded ckpt, TrainConfig cfg, TokenSource train, TokenSource val,
                                 Path outDir, TrainingListener listener, Collective comm, int zeroStage) {
        Trainer t = new Trainer(ckpt.model(), cfg, train, val, outDir, listener, comm, zeroStage);
        t.optimizer.restore(ckpt.m(), ckpt.v(), ckpt.optimizerSteps());
        t.step = ckpt.state().step();
        t.rng.setState(ckpt.state().rngState());
        for (LossLog.Row r : ckpt.log().rows()) t.log.add(r);
        t.runInfo = ckpt.state().run();
        return t;
    }

    /** Facts stored with each checkpoint (data source, tokenizer), and the writer of extra files (tokenizer). */
    public Trainer withRunInfo(Map<String, String> info, int endOfText, IOConsumer<Path> extraFiles) {
        this.runInfo = Map.copyOf(info);
        this.endOfText = endOfText;
        this.extraFiles = extraFiles;
        return this;
    }

    public int step() { return step; }

    public Gpt model() { return model; }

    public LossLog log() { return log; }

    /** Mean seconds per optimizer step spent summing gradients across ranks (0 for one process). */
    public double commSecondsPerStep() { return commSteps == 0 ? 0 : commNanos / 1e9 / commSteps; }

    /** Runs optimizer steps until {@code lastStep} (exclusive of evaluations already done), then checkpoints if an out dir is set. */
    public void runUntil(int lastStep) throws IOException {
        Throwable failure = null;
        try {
            if (!ranksChecked) {
                RunFingerprint.check(comm, cfg + " " + model.config() + " zero " + (zero ? 1 : 0), model, step, rng.state(),
                        trainTokens, valTokens);
                ranksChecked = true;
            }
            loop(lastStep);
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            try {
                checkpointWrite.close();
            } catch (IOException | RuntimeException e) {
                if (failure == null) throw e;
                failure.addSuppressed(e);
            } finally {
                stopped.countDown();
            }
        }
    }

    private void loop(int lastStep) throws IOException {
        LrSchedule schedule = cfg.schedule();
        int tokensPerStep = cfg.batchSize() * cfg.gradAccum() * seqLen;
        while (step < lastStep) {
            if (stopRequested) {
                if (outDir != null) saveCheckpoint();
                return;
            }
            if (step % cfg.evalInterval() == 0) evaluate();
            float lr = schedule.at(step);
            long t0 = System.nanoTime();
            float loss = trainStep(lr);
            double seconds = (System.nanoTime() - t0) / 1e9;
            step++;
            log.add(new LossLog.Row(step, loss, Float.NaN, lr, (float) (tokensPerStep / seconds)));
            listener.onStep(step, cfg.maxIters(), loss, lr, lastGradNorm, seconds, tokensPerStep);
            if (outDir != null && cfg.checkpointInterval() > 0 && step % cfg.checkpointInterval() == 0 && step < lastStep) {
                startCheckpoint();
            }
        }
        if (step == cfg.maxIters()) evaluate();
        if (outDir != null) saveCheckpoint();
    }

    private float lastGradNorm;
    private float[] lastEval;

    /** {train, val} loss estimates of the most recent evaluation (null before the first). */
    public float[] lastEval() { return lastEval == null ? null : lastEval.clone(); }

    /**
     * Asks the loop to stop after the current step and write a checkpoint (called from a shutdown hook on
     * Ctrl-C), then waits up to {@code timeoutSeconds} for that to finish.
     */
    public void stopAndWait(long timeoutSeconds) {
        stopRequested = true;
        try {
            stopped.await(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One optimizer step over gradAccum micro-batches; returns the mean loss. */
    float trainStep(float lr) throws IOException {
        model.parameters().zeroGrad();
        float total = 0f;
        for (int micro = 0; micro < cfg.gradAccum(); micro++) {
            trainBatches.next(rng);
            total += replicas.forwardBackward(trainBatches.inputs, trainBatches.targets, 1f / cfg.gradAccum(), rng);
        }
        replicas.reduceGradients();
        if (comm.size() > 1) sumAcrossRanks();
        checkpointWrite.await(); // the checkpoint in flight reads the weights and moments this step changes
        lastGradNorm = zero ? shardedNorm() : gradClip.norm();
        if (comm.size() > 1 && !zero) lastGradNorm = rootsNorm(lastGradNorm);
        optimizer.step(lr, GradClip.scaleFor(lastGradNorm, cfg.gradClip())); // clipping applied as AdamW reads the gradients
        if (zero) comm.allGather(model.parameters().data(), shardCounts, shardDispls);
        return total / cfg.gradAccum();
    }

    /** Gradients summed over ranks: all of them (each rank updates everything), or with ZeRO-1 this rank's shard. */
    private void sumAcrossRanks() {
        long t0 = System.nanoTime();
        float[] grad = model.parameters().grad();
        if (zero) comm.reduceScatterSum(grad, shardCounts, shardDispls);
        else comm.allReduceSum(grad, 0, grad.length);
        commNanos += System.nanoTime() - t0;
        commSteps++;
    }

    /** The global norm from each rank's shard: squares summed across ranks. */
    private float shardedNorm() {
        squares[0] = gradClip.sumOfSquares();
        comm.allReduceSum(squares);
        return (float) Math.sqrt(squares[0]);
    }

    /**
     * Rank 0's norm on every rank: ranks with different thread counts add the squares in different partial sums,
     * and a last-bit difference in the clipping factor would let their weights drift apart.
     */
    private float rootsNorm(float norm) {
        int bits = Float.floatToRawIntBits(norm);
        for (int i = 0; i < 4; i++) normBytes[i] = (byte) (bits >>> (8 * i));
        comm.broadcast(normBytes);
        bits = 0;
        for (int i = 0; i < 4; i++) bits |= (normBytes[i] & 0xFF) << (8 * i);
        return Float.intBitsToFloat(bits);
    }

    /** Mean loss over evalIters batches of each split, without dropout; batches use a fixed seed (same every time). */
    public float[] evaluate() {
        float train = estimate(trainEvalBatches), val = estimate(valBatches);
        lastEval = new float[] {train, val};
        log.setVal(step, train, val);
        listener.onEval(step, train, val);
        return new float[] {train, val};
    }

    private float estimate(BatchSampler batches) {
        Rng evalRng = new Rng(cfg.seed() ^ 0x5DEECE66DL);
        double sum = 0;
        for (int i = 0; i < cfg.evalIters(); i++) {
            batches.next(evalRng);
            sum += replicas.meanLoss(batches.inputs, batches.targets);
        }
        return (float) (sum / cfg.evalIters());
    }

    /**
     * Mean loss over consecutive windows of {@code ids} (see {@link Evaluation}), at most {@code maxTokens}
     * predicted. Windows of the training length go through the training batch's replicas, each on its own core,
     * with buffers and compiled code the periodic evaluations already warmed; other windows (a shorter tail, a
     * different length, a last partial batch) through the model's forward pass.
     */
    public Evaluation.Result meanLossOverWindows(TokenSource ids, int windowLength, long maxTokens) {
        Evaluation.WindowLoss direct = Evaluation.forward(model);
        int batch = windowLength == seqLen ? cfg.batchSize() : Math.max(1, 2048 / windowLength);
        return Evaluation.meanLoss(ids, windowLength, batch, maxTokens, (x, y, n, t) ->
                n == batch && t == seqLen ? replicas.meanLoss(x, y) : direct.mean(x, y, n, t));
    }

    /** Writes a checkpoint of the current step now. */
    public void saveCheckpoint() throws IOException {
        startCheckpoint();
        checkpointWrite.await();
    }

    /** Starts writing a checkpoint of the current step in the background (after the previous one is done). */
    private void startCheckpoint() throws IOException {
        int at = step;
        float[] m = optimizer.firstMoment(), v = optimizer.secondMoment();
        if (zero) { // the ranks' shards gathered into whole arrays on rank 0
            int count = model.parameters().count();
            float[] allM = comm.isRoot() ? new float[count] : null, allV = comm.isRoot() ? new float[count] : null;
            comm.gather(m, allM, shardCounts, shardDispls);
            comm.gather(v, allV, shardCounts, shardDispls);
            m = allM;
            v = allV;
        }
        if (!comm.isRoot()) return;
        Checkpoint.State state = new Checkpoint.State(Checkpoint.FORMAT_VERSION, at, rng.state(), cfg, runInfo);
        checkpointWrite.start(Checkpoint.write(outDir, model, m, v, optimizer.stepCount(), state, log, endOfText, extraFiles),
                () -> listener.onCheckpoint(at, outDir));
    }
}
