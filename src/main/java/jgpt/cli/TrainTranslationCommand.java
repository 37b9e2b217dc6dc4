package jgpt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.tokenizer.BpeTrainer;
import jgpt.translate.MarianConfig;
import jgpt.translate.MarianModel;
import jgpt.translate.ParallelCorpus;
import jgpt.translate.TokenBatches;
import jgpt.translate.TranslationCheckpoint;
import jgpt.translate.TranslationTokenizer;
import jgpt.translate.TranslationTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gpt train-translation}: train a Marian encoder-decoder on a TSV of sentence pairs. */
@Command(name = "train-translation", mixinStandardHelpOptions = true,
        description = "Train an encoder-decoder translation model (Marian layout) from tab-separated sentence pairs.")
final class TrainTranslationCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "TSV", description = "Training pairs, one per line.") Path data;
    @Option(names = "--valid", required = true, paramLabel = "TSV", description = "Validation pairs (loss and BLEU on a sample).") Path valid;
    @Option(names = "--columns", defaultValue = "2,3", paramLabel = "S,T", description = "1-based source and target columns (default: ${DEFAULT-VALUE}).") String columns;
    @Option(names = "--preset", defaultValue = "marian-small", description = "Model shape: marian-small or marian-tiny (default: ${DEFAULT-VALUE}).") String preset;
    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Run folder (model, tokenizer, checkpoint, logs).") Path out;
    @Option(names = "--iters", paramLabel = "N", description = "Stop after N optimizer steps in all.") Integer iters;
    @Option(names = "--minutes", paramLabel = "M", description = "Stop after M minutes of this invocation.") Double minutes;
    @Option(names = "--resume", description = "Continue the run saved in --out exactly where it stopped.") boolean resume;
    @Option(names = "--vocab-size", defaultValue = "8000", description = "Shared byte-level BPE ids incl. eos (default: ${DEFAULT-VALUE}).") int vocabSize;
    @Option(names = "--batch-tokens", defaultValue = "4000", description = "Padded tokens per batch (default: ${DEFAULT-VALUE}).") int batchTokens;
    @Option(names = "--lr", defaultValue = "7e-4", description = "Peak learning rate (default: ${DEFAULT-VALUE}).") float lr;
    @Option(names = "--warmup", defaultValue = "400", description = "Linear warm-up steps, then lr ~ 1/sqrt(step) (default: ${DEFAULT-VALUE}).") int warmup;
    @Option(names = "--label-smoothing", defaultValue = "0.1", description = "(default: ${DEFAULT-VALUE})") float labelSmoothing;
    @Option(names = "--clip", defaultValue = "1.0", description = "Max global gradient norm (default: ${DEFAULT-VALUE}).") float clip;
    @Option(names = "--dropout", paramLabel = "P", description = "Dropout (default: the preset's, 0.1).") Float dropout;
    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW decay on matrices (default: ${DEFAULT-VALUE}).") float weightDecay;
    @Option(names = "--seed", defaultValue = "1337", description = "(default: ${DEFAULT-VALUE})") long seed;
    @Option(names = "--eval-every", defaultValue = "200", description = "Validate and save every N steps (default: ${DEFAULT-VALUE}).") int evalEvery;
    @Option(names = "--valid-sample", defaultValue = "200", description = "Validation pairs scored (default: ${DEFAULT-VALUE}).") int validSample;

    @Override
    public Integer call() throws IOException {
        if (iters == null && minutes == null) throw new UserException("give --iters N or --minutes M (or both)");
        if (iters != null && iters < 0) throw new UserException("--iters must be >= 0");
        if (minutes != null && !(minutes > 0)) throw new UserException("--minutes must be > 0");
        if (batchTokens < 16) throw new UserException("--batch-tokens must be >= 16");
        if (evalEvery < 1) throw new UserException("--eval-every must be >= 1");
        int[] cols = ParallelCorpus.columns(columns);
        List<ParallelCorpus.Pair> train = ParallelCorpus.read(data, cols), validPairs = ParallelCorpus.read(valid, cols);
        long t0 = System.nanoTime();
        MarianModel model;
        TranslationTokenizer tok;
        TranslationTrainer.Settings settings;
        TranslationTrainer.Progress progress;
        float[] m = null, v = null;
        List<String> lossRows = new ArrayList<>(), evalRows = new ArrayList<>();
        if (resume) {
            if (!TranslationCheckpoint.exists(out)) throw new UserException(out + ": no checkpoint to resume (" + TranslationCheckpoint.STATE + " missing)");
            TranslationCheckpoint.Loaded l = TranslationCheckpoint.load(out);
            model = l.model();
            tok = l.tokenizer();
            settings = l.settings();
            progress = l.progress();
            m = l.m();
            v = l.v();
            lossRows.addAll(l.lossRows());
            evalRows.addAll(l.evalRows());
            System.out.printf(Locale.ROOT, "resuming %s at step %d (epoch %d)%n", out, progress.step(), progress.epoch());
        } else {
            if (Files.exists(out) && TranslationCheckpoint.exists(out)) throw new UserException(out + " already holds a run; pass --resume or another --out");
            if (vocabSize < 257) throw new UserException("--vocab-size must be > 256 (the byte alphabet plus eos)");
            float p = dropout != null ? dropout : MarianConfig.preset(preset, 300, 0, 1).dropout();
            settings = new TranslationTrainer.Settings(preset, vocabSize, batchTokens, lr, warmup, labelSmoothing, clip, p, weightDecay,
                    seed, evalEvery, validSample);
            StringBuilder corpus = new StringBuilder();
            for (ParallelCorpus.Pair pair : train) corpus.append(pair.source()).append('\n').append(pair.target()).append('\n');
            long tt = System.nanoTime();
            tok = new TranslationTokenizer(BpeTrainer.train(corpus.toString(), vocabSize, true));
            System.out.printf(Locale.ROOT, "tokenizer: %d ids from both sides of %d pairs in %.1f s%n", vocabSize, train.size(), (System.nanoTime() - tt) / 1e9);
            MarianConfig cfg = MarianConfig.preset(preset, tok.modelVocabSize(), tok.padId(), tok.eosId()).withDropout(p);
            model = MarianModel.create(cfg, seed);
            progress = TranslationTrainer.start(seed);
        }
        int max = model.config().maxPositions(), truncated = 0;
        int[][] src = new int[train.size()][], tgt = new int[train.size()][];
        for (int i = 0; i < train.size(); i++) {
            ParallelCorpus.Pair pair = train.get(i);
            if (tok.count(pair.source()) + 1 > max || tok.count(pair.target()) + 1 > max) truncated++;
            src[i] = tok.encode(pair.source(), max);
            tgt[i] = tok.encode(pair.target(), max);
        }
        if (truncated > 0) System.err.printf(Locale.ROOT, "warning: %d pair(s) longer than %d tokens were truncated%n", truncated, max);
        TokenBatches batches = new TokenBatches(src, tgt, settings.batchTokens(), tok.padId(), model.config().decoderStartId());
        TranslationTrainer trainer = new TranslationTrainer(model, tok, batches, validPairs, settings, progress, m, v);
        trainer.evalRows().addAll(evalRows);
        System.out.printf(Locale.ROOT, "%s: %,d parameters, %d batches per epoch of <= %d tokens, %d training pairs%n",
                settings.preset(), model.parameters().count(), batches.size(), settings.batchTokens(), train.size());
        long deadline = minutes == null ? Long.MAX_VALUE : System.nanoTime() + (long) (minutes * 60e9);
        long windowStart = System.nanoTime(), windowTokens = 0, trainNanos = 0, runTokens = 0;
        while ((iters == null || trainer.step() < iters) && System.nanoTime() < deadline) {
            long before = trainer.tokensSeen(), stepStart = System.nanoTime();
            float loss = trainer.trainStep();
            trainNanos += System.nanoTime() - stepStart;
            windowTokens += trainer.tokensSeen() - before;
            runTokens += trainer.tokensSeen() - before;
            int step = trainer.step();
            float rate = TranslationTrainer.learningRate(settings.peakLr(), settings.warmup(), step);
            if (step % 10 == 0) {
                double secs = (System.nanoTime() - windowStart) / 1e9;
                lossRows.add(String.format(Locale.ROOT, "%d,%.4f,%.6g,%.0f", step, loss, rate, windowTokens / secs));
                System.out.printf(Locale.ROOT, "step %d  epoch %d  loss %.4f  lr %.2e  %.0f target tok/s%n", step, trainer.epoch(), loss, rate, windowTokens / secs);
                windowStart = System.nanoTime();
                windowTokens = 0;
            }
            if (step % settings.evalEvery() == 0) evaluateAndSave(trainer, lossRows);
        }
        if (trainer.step() % settings.evalEvery() != 0 || trainer.step() == 0) evaluateAndSave(trainer, lossRows);
        System.out.printf(Locale.ROOT, "done: %d steps, %.1f min; %,d target tokens in %.1f s of training steps (%.0f target tok/s); model in %s%n",
                trainer.step(), (System.nanoTime() - t0) / 60e9, runTokens, trainNanos / 1e9, runTokens / (trainNanos / 1e9), out);
        return 0;
    }

    private void evaluateAndSave(TranslationTrainer trainer, List<String> lossRows) throws IOException {
        long t = System.nanoTime();
        TranslationTrainer.Eval e = trainer.evaluate(32);
        System.out.printf(Locale.ROOT, "step %d  valid nll %.4f  BLEU %.2f  chrF %.2f (greedy, %d pairs, %.1f s)%n", trainer.step(), e.nll(), e.bleu(), e.chrf(),
                Math.min(validSample, Integer.MAX_VALUE), (System.nanoTime() - t) / 1e9);
        trainer.save(out, lossRows);
    }
}
