package jgpt.translate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jgpt.autograd.Tape;
import jgpt.metrics.Bleu;
import jgpt.metrics.ChrF;
import jgpt.ops.CrossEntropy;
import jgpt.tensor.Rng;
import jgpt.tensor.Tensor;
import jgpt.train.AdamW;
import jgpt.train.GradClip;

/**
 * Trains a {@link MarianModel} on token-count batches: label-smoothed cross-entropy, dropout, inverse-square-root
 * learning rate after a linear warm-up (Vaswani et al. 2017), gradient clipping, Adam(W); validation loss and greedy
 * BLEU/chrF on a fixed sample of the validation pairs; checkpoints that resume bit-identically.
 */
public final class TranslationTrainer {
    /** The knobs of a run (all saved in the checkpoint, so a resumed run keeps them). */
    public record Settings(String preset, int vocabSize, int batchTokens, float peakLr, int warmup, float labelSmoothing,
                           float clip, float dropout, float weightDecay, long seed, int evalEvery, int validSample) {}

    /** Where a run stands: optimizer steps done, the epoch and the position in its batch order, the dropout Rng. */
    public record Progress(int step, int epoch, int position, long rngState) {}

    /** Receives progress lines. */
    public interface Log { void line(String text); }

    private final MarianModel model;
    private final TranslationTokenizer tokenizer;
    private final TokenBatches batches;
    private final Settings settings;
    private final AdamW opt;
    private final Rng rng;
    private final List<ParallelCorpus.Pair> validSample;
    private final int[][] validSources, validTargets;
    private final Tape tape = new Tape();
    private int step, epoch, position;
    private int[] order;
    private long tokensSeen;
    private final List<String> evalRows = new ArrayList<>();

    public TranslationTrainer(MarianModel model, TranslationTokenizer tokenizer, TokenBatches batches, List<ParallelCorpus.Pair> valid,
                              Settings settings, Progress progress, float[] m, float[] v) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.batches = batches;
        this.settings = settings;
        this.opt = new AdamW(model.parameters(), 0.9f, 0.98f, 1e-9f, settings.weightDecay());
        if (m != null) opt.restore(m, v, progress.step());
        this.rng = new Rng(settings.seed());
        rng.setState(progress.rngState());
        this.step = progress.step();
        this.epoch = progress.epoch();
        this.position = progress.position();
        this.order = batches.epochOrder(settings.seed(), epoch);
        // every k-th validation pair: a fixed sample spread over the whole split
        validSample = new ArrayList<>();
        int every = Math.max(1, valid.size() / Math.max(1, settings.validSample()));
        for (int i = 0; i < valid.size() && validSample.size() < settings.validSample(); i += every) validSample.add(valid.get(i));
        int max = model.config().maxPositions();
        validSources = new int[validSample.size()][];
        validTargets = new int[validSample.size()][];
        for (int i = 0; i < validSample.size(); i++) {
            validSources[i] = tokenizer.encode(validSample.get(i).source(), max);
            validTargets[i] = tokenizer.encode(validSample.get(i).target(), max);
        }
    }

    public static Progress start(long seed) { return new Progress(0, 0, 0, seed); }

    public Progress progress() { return new Progress(step, epoch, position, rng.state()); }

    public AdamW optimizer() { return opt; }

    public List<String> evalRows() { return evalRows; }

    /** lr = peak * min(step / warmup, sqrt(warmup / step)) for step = 1, 2, ... */
    public static float learningRate(float peak, int warmup, int step) {
        double s = Math.max(1, step);
        return (float) (peak * Math.min(s / Math.max(1, warmup), Math.sqrt(Math.max(1, warmup) / s)));
    }

    /** One optimizer step on the next batch; returns the (smoothed) training loss. */
    public float trainStep() {
        if (position == order.length) {
            epoch++;
            position = 0;
            order = batches.epochOrder(settings.seed(), epoch);
        }
        TokenBatches.Batch b = batches.batch(order[position++]);
        model.parameters().zeroGrad();
        Tensor enc = model.encode(tape, b.source(), b.b(), b.s(), b.sourceLengths(), rng);
        Tensor logits = model.decode(tape, enc, b.sourceLengths(), b.decoderInput(), b.b(), b.t(), rng);
        Tensor loss = CrossEntropy.apply(tape, logits, b.labels(), settings.labelSmoothing());
        float value = loss.get(0);
        tape.backward(loss);
        tape.reset();
        step++;
        float norm = new GradClip(model.parameters().grad()).norm();
        opt.step(learningRate(settings.peakLr(), settings.warmup(), step), GradClip.scaleFor(norm, settings.clip()));
        tokensSeen += b.targetTokens();
        return value;
    }

    public int step() { return step; }

    public int epoch() { return epoch; }

    public long tokensSeen() { return tokensSeen; }

    /** Validation: mean NLL per target token (no smoothing, no dropout) and greedy BLEU/chrF on the sample. */
    public record Eval(double nll, double bleu, double chrf) {}

    public Eval evaluate(int batchSize) {
        double nll = 0;
        long tokens = 0;
        Tape evalTape = new Tape();
        evalTape.setGradEnabled(false);
        TokenBatches vb = new TokenBatches(validSources, validTargets, settings.batchTokens(), tokenizer.padId(), model.config().decoderStartId());
        for (int i = 0; i < vb.size(); i++) {
            TokenBatches.Batch b = vb.batch(i);
            Tensor enc = model.encode(evalTape, b.source(), b.b(), b.s(), b.sourceLengths(), null);
            float loss = CrossEntropy.apply(evalTape, model.decode(evalTape, enc, b.sourceLengths(), b.decoderInput(), b.b(), b.t(), null), b.labels()).get(0);
            nll += (double) loss * b.targetTokens();
            tokens += b.targetTokens();
            evalTape.reset();
        }
        List<String> sources = new ArrayList<>(), refs = new ArrayList<>();
        for (ParallelCorpus.Pair p : validSample) {
            sources.add(p.source());
            refs.add(p.target());
        }
        int maxLen = Math.min(model.config().maxPositions(), 2 * maxLength(validSources) + 10);
        DecodingSettings greedy = new DecodingSettings(1, maxLen, 1f, new int[] {tokenizer.padId()}, -1);
        List<String> hyps = new Translator(model, tokenizer).translate(sources, greedy, batchSize, null);
        Eval e = new Eval(nll / Math.max(1, tokens), Bleu.corpus(hyps, refs).score(), ChrF.corpus(hyps, refs).score());
        evalRows.add(String.format(Locale.ROOT, "%d,%.4f,%.2f,%.2f", step, e.nll(), e.bleu(), e.chrf()));
        return e;
    }

    private static int maxLength(int[][] seqs) {
        int m = 0;
        for (int[] s : seqs) m = Math.max(m, s.length);
        return m;
    }

    /** Writes the run's folder (see {@link TranslationCheckpoint}). */
    public void save(Path dir, List<String> lossRows) throws IOException {
        TranslationCheckpoint.save(dir, model, tokenizer, opt, settings, progress(), lossRows, evalRows);
    }
}
