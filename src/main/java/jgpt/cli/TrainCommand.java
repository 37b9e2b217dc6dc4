package jgpt.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.distributed.Collective;
import jgpt.distributed.OpenMpi;
import jgpt.generate.GenerationConfig;
import jgpt.generate.Generator;
import jgpt.io.ModelFolder;
import jgpt.model.Activation;
import jgpt.model.Gpt;
import jgpt.model.GptConfig;
import jgpt.model.PositionalEncoding;
import jgpt.tokenizer.CharTokenizer;
import jgpt.tokenizer.Tokenizer;
import jgpt.tokenizer.Tokenizers;
import jgpt.train.Checkpoint;
import jgpt.train.TokenShard;
import jgpt.train.TokenSource;
import jgpt.train.TrainConfig;
import jgpt.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gpt train}: train a model from scratch, resume a run, or fine-tune a pretrained folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a GPT on a text file (default: the bundled Tiny Shakespeare, nanoGPT's CPU recipe).")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = Corpus.BUILTIN, paramLabel = "FILE",
            description = "UTF-8 training text (first 90%% of tokens train, last 10%% validate), or a folder from 'gpt prepare' with train.bin/val.bin (default: bundled Tiny Shakespeare).")
    String data;

    @Option(names = "--tokenizer", defaultValue = "char", paramLabel = "char|gpt2|DIR",
            description = "char (characters of the text), gpt2 (GPT-2 BPE) or a folder with tokenizer files (default: ${DEFAULT-VALUE}).")
    String tokenizerSpec;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "Output folder for checkpoints (default: out/<preset>-<data>).")
    Path out;

    @Option(names = "--resume", description = "Continue the run saved in --out exactly where it stopped.")
    boolean resume;

    @Option(names = "--init", paramLabel = "DIR", description = "Fine-tune: start from the model (and tokenizer) in this folder.")
    Path init;

    @Option(names = "--force", description = "Overwrite a checkpoint already in --out.")
    boolean force;

    @Option(names = "--freeze-embeddings", description = "Fine-tuning: keep wte/wpe fixed (wte is also the tied output layer).")
    boolean freezeEmbeddings;

    @Option(names = "--seq-len", defaultValue = "0", description = "Tokens per training sequence (0 = the model's context; use less to fine-tune GPT-2 on a CPU).")
    int seqLen;

    @Option(names = "--preset", defaultValue = "baby", description = "Model size: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = Presets.class)
    String preset;

    @Option(names = "--n-layer") Integer nLayer;
    @Option(names = "--n-head") Integer nHead;
    @Option(names = "--n-embd") Integer nEmbd;
    @Option(names = "--block-size") Integer blockSize;
    @Option(names = "--dropout") Float dropout;
    @Option(names = "--bias", negatable = true, description = "Biases in linear layers and layer norms (baby: off).") Boolean bias;
    @Option(names = "--activation", paramLabel = "gelu_new|relu") String activation;
    @Option(names = "--positions", paramLabel = "learned|sinusoidal") String positions;

    @Option(names = "--iters", defaultValue = "2000", description = "Optimizer steps (default: ${DEFAULT-VALUE}).") int iters;
    @Option(names = "--batch-size", defaultValue = "12") int batchSize;
    @Option(names = "--grad-accum", defaultValue = "1") int gradAccum;
    @Option(names = "--lr", defaultValue = "1e-3") float lr;
    @Option(names = "--min-lr", defaultValue = "1e-4") float minLr;
    @Option(names = "--warmup", defaultValue = "100") int warmup;
    @Option(names = "--lr-decay-iters", description = "Default: --iters.") Integer lrDecayIters;
    @Option(names = "--beta1", defaultValue = "0.9") float beta1;
    @Option(names = "--beta2", defaultValue = "0.99") float beta2;
    @Option(names = "--weight-decay", defaultValue = "0.1") float weightDecay;
    @Option(names = "--grad-clip", defaultValue = "1.0") float gradClip;
    @Option(names = "--eval-interval", defaultValue = "250") int evalInterval;
    @Option(names = "--eval-iters", defaultValue = "20") int evalIters;
    @Option(names = "--checkpoint-interval", description = "Default: --eval-interval.") Integer checkpointInterval;
    @Option(names = "--seed", defaultValue = "1337") long seed;
    @Option(names = "--log-interval", defaultValue = "50") int logInterval;
    @Option(names = "--sample-tokens", defaultValue = "300", description = "Tokens of sample text printed after training (0 = none).")
    int sampleTokens;
    @Option(names = "--zero", defaultValue = "0", paramLabel = "0|1",
            description = "Under mpirun: 1 shards the AdamW moments across ranks (ZeRO stage 1), 0 keeps them all on every rank (default: ${DEFAULT-VALUE}).")
    int zero;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    static final class Presets extends java.util.ArrayList<String> {
        Presets() { super(GptConfig.PRESETS); }
    }

    private PrintStream console = System.out;
    /** The end-of-run validation pass reads at most this many tokens. */
    static final long FULL_VAL_TOKENS = 1_000_000;
    private TokenSource valTokens;

    /** `gpt` with no arguments: nanoGPT's CPU Shakespeare recipe on the bundled corpus, then two samples. */
    int defaultJob() throws IOException {
        force = true;
        sampleTokens = 500;
        data = Corpus.BUILTIN;
        tokenizerSpec = "char";
        preset = "baby";
        iters = 2000; batchSize = 12; gradAccum = 1; lr = 1e-3f; minLr = 1e-4f; warmup = 100; beta1 = 0.9f; beta2 = 0.99f;
        weightDecay = 0.1f; gradClip = 1f; evalInterval = 250; evalIters = 20; seed = 1337; logInterval = 100;
        console.println("jgpt default job: training the 'baby' GPT (4 layers, 4 heads, 128 wide, context 64) on Tiny Shakespeare");
        console.println("with nanoGPT's CPU recipe (2000 steps, batch 12), then sampling. See ./gpt --help for everything else.");
        return call();
    }

    /**
     * Under Open MPI's mpirun every rank runs this same command (see {@link Trainer}); rank 0 alone prints. A rank
     * that fails exits without MPI_Finalize, which makes mpirun end the others.
     */
    @Override
    public Integer call() throws IOException {
        if (zero != 0 && zero != 1) throw new UserException("--zero must be 0 or 1, got " + zero);
        Collective comm = Collective.detect();
        if (comm.size() > 1) {
            if (!comm.isRoot()) console = new PrintStream(java.io.OutputStream.nullOutputStream());
            if (!threadsGiven()) { // the ranks on one machine share its cores
                int local = Integer.parseInt(System.getenv().getOrDefault("OMPI_COMM_WORLD_LOCAL_SIZE", "1"));
                jgpt.kernels.Parallel.configure(Math.max(1, Runtime.getRuntime().availableProcessors() / local));
            }
            console.printf(Locale.ROOT, "distributed: %d ranks (%s), %d threads each, optimizer state %s%n", comm.size(),
                    comm instanceof OpenMpi mpi ? mpi.libraryVersion().split(",")[0] : "?", jgpt.kernels.Parallel.threads(),
                    zero == 1 ? "sharded (ZeRO-1)" : "on every rank");
        }
        int code = train(comm);
        comm.close();
        return code;
    }

    private boolean threadsGiven() {
        for (var cl = spec.commandLine(); cl != null; cl = cl.getParent()) {
            if (cl.getParseResult() != null && cl.getParseResult().hasMatchedOption("--threads")) return true;
        }
        return false;
    }

    private int train(Collective comm) throws IOException {
        if (resume && init != null) throw new UserException("--resume and --init cannot be combined");
        Path outDir = out != null ? out : Path.of("out", preset + "-" + Corpus.name(data));
        Trainer trainer;
        Tokenizer tokenizer;
        long t0 = System.nanoTime();
        if (resume) {
            Checkpoint.Loaded ckpt = Checkpoint.load(outDir);
            TrainConfig cfg = ckpt.state().train();
            if (iters != cfg.maxIters()) cfg = cfg.withMaxIters(iters);
            tokenizer = Tokenizers.load(outDir);
            String source = ckpt.state().run().getOrDefault("data", data);
            TokenSource[] split = tokens(source, tokenizer, ckpt.model().config().vocabSize());
            console.printf(Locale.ROOT, "resuming %s at step %d of %d%n", outDir, ckpt.state().step(), cfg.maxIters());
            trainer = Trainer.resume(ckpt, cfg, split[0], split[1], outDir, progress(), comm, zero);
            valTokens = split[1];
            trainer.withRunInfo(ckpt.state().run(), tokenizer.endOfTextId(), tokenizer::save);
        } else {
            if (Checkpoint.exists(outDir) && !force) {
                throw new UserException(outDir + " already holds a checkpoint; pass --resume to continue it, --force to overwrite, or another --out");
            }
            Gpt model;
            if (init != null) {
                model = ModelFolder.loadForInference(init);
                tokenizer = Tokenizers.load(init);
                model = new Gpt(applyOverrides(model.config(), true)).copyWeightsFrom(model);
            } else {
                tokenizer = isShardFolder(data) ? Tokenizers.load(Path.of(data)) : makeTokenizer(data);
                model = Gpt.create(applyOverrides(GptConfig.preset(preset, tokenizer.vocabSize()), false), seed);
            }
            TokenSource[] split = tokens(data, tokenizer, model.config().vocabSize());
            TrainConfig cfg = trainConfig();
            describe(model, tokenizer, split, cfg, outDir);
            trainer = new Trainer(model, cfg, split[0], split[1], outDir, progress(), comm, zero);
            valTokens = split[1];
            trainer.withRunInfo(Map.of("data", data, "tokenizer", tokenizerSpec), tokenizer.endOfTextId(), tokenizer::save);
        }
        Trainer running = trainer;
        // Ctrl-C saves a checkpoint; not under MPI, where ranks stop together only by leaving a step they all started
        Thread hook = comm.size() == 1 ? new Thread(() -> running.stopAndWait(60)) : null;
        if (hook != null) Runtime.getRuntime().addShutdownHook(hook);
        trainer.runUntil(trainer.step() < iters ? iters : trainer.step());
        if (hook != null) Runtime.getRuntime().removeShutdownHook(hook);
        progress().close();
        double seconds = (System.nanoTime() - t0) / 1e9;
        float[] last = trainer.lastEval() != null ? trainer.lastEval() : trainer.evaluate();
        console.printf(Locale.ROOT, "done: %d steps in %s (%.1f s); last evaluation: train loss %.4f, val loss %.4f; model saved to %s%n",
                trainer.step(), ProgressPrinter.duration(seconds), seconds, last[0], last[1], outDir);
        if (comm.size() > 1) {
            console.printf(Locale.ROOT, "gradient sum across %d ranks: %.1f ms per step%n", comm.size(), trainer.commSecondsPerStep() * 1e3);
        }
        int context = trainer.model().config().blockSize();
        // a few seconds of forward passes at most: ~2e12 FLOPs at 2 FLOPs per parameter and token
        long budget = Math.min(FULL_VAL_TOKENS, (long) (2e12 / (2.0 * trainer.model().parameters().count())));
        var full = trainer.meanLossOverWindows(valTokens, context, budget);
        console.printf(Locale.ROOT, "val loss over the whole validation split%s: %.4f%n",
                valTokens.length() - 1 > budget ? " (first " + budget + " tokens)" : "", full.meanLoss());
        if (sampleTokens > 0 && comm.isRoot()) printSamples(trainer.model(), tokenizer, sampleTokens);
        return 0;
    }

    private void printSamples(Gpt model, Tokenizer tokenizer, int tokens) {
        console.println("\n--- sample (temperature 0.8, top-k 200) ---");
        int[] prompt = GenerateCommand.promptIds(tokenizer, "");
        var stream = tokenizer.streamingDecoder();
        new Generator(model).generate(prompt, new GenerationConfig(tokens, 0.8f, 200, 1f, seed), tokenizer.endOfTextId(),
                (id, p, d) -> { console.print(stream.push(id)); console.flush(); });
        console.println(stream.flush());
        console.println("---");
    }

    private static boolean isShardFolder(String source) {
        return !source.equals(Corpus.BUILTIN) && Files.isRegularFile(Path.of(source, "train.bin"));
    }

    /**
     * Train and validation tokens: memory-mapped shards from a folder made by 'gpt prepare', or a text file
     * encoded here and split 90/10.
     */
    private static TokenSource[] tokens(String source, Tokenizer tokenizer, int vocab) throws IOException {
        if (isShardFolder(source)) {
            TokenShard train = TokenShard.open(Path.of(source, "train.bin")), val = TokenShard.open(Path.of(source, "val.bin"));
            for (TokenShard s : new TokenShard[] {train, val}) {
                if (s.length() <= 50_000_000L && s.maxId() >= vocab) {
                    throw new UserException(source + ": token id " + s.maxId() + " does not fit the model's vocabulary of " + vocab
                            + "; the shards were made with a different tokenizer");
                }
            }
            return new TokenSource[] {train, val};
        }
        int[][] split = split(tokenizer.encode(Corpus.read(source)));
        return new TokenSource[] {TokenSource.of(split[0]), TokenSource.of(split[1])};
    }

    private Tokenizer makeTokenizer(String source) throws IOException {
        if (tokenizerSpec.equals("char")) return CharTokenizer.fromText(Corpus.read(source));
        Path dir = Path.of(tokenizerSpec);
        if (Files.isDirectory(dir)) return Tokenizers.load(dir);
        return Tokenizers.byName(tokenizerSpec);
    }

    private GptConfig applyOverrides(GptConfig base, boolean pretrained) {
        if (pretrained && (nLayer != null || nHead != null || nEmbd != null || activation != null || positions != null || bias != null)) {
            throw new UserException("--init keeps the pretrained model's shape; drop --n-layer/--n-head/--n-embd/--activation/--positions/--bias");
        }
        if (pretrained && blockSize != null) {
            throw new UserException("--init keeps the pretrained model's context (" + base.blockSize() + "); use --seq-len to train on shorter sequences");
        }
        Activation act = activation == null ? base.activation() : Activation.parse(activation);
        PositionalEncoding pos = positions == null ? base.positional() : PositionalEncoding.parse(positions);
        return new GptConfig(nLayer != null ? nLayer : base.nLayer(), nHead != null ? nHead : base.nHead(),
                nEmbd != null ? nEmbd : base.nEmbd(), pretrained ? base.blockSize() : blockSize != null ? blockSize : base.blockSize(),
                base.vocabSize(), nEmbd != null ? 4 * nEmbd : base.nInner(), dropout != null ? dropout : base.dropout(),
                bias != null ? bias : base.bias(), act, pos, base.layerNormEps());
    }

    private TrainConfig trainConfig() {
        int decay = lrDecayIters != null ? lrDecayIters : iters;
        return new TrainConfig(batchSize, gradAccum, iters, lr, minLr, warmup, Math.max(decay, warmup), beta1, beta2,
                weightDecay, gradClip, evalInterval, evalIters,
                checkpointInterval != null ? checkpointInterval : evalInterval, seed, seqLen, freezeEmbeddings);
    }

    /** First 90% of the tokens for training, the rest for validation (nanoGPT's prepare.py). */
    static int[][] split(int[] ids) {
        int n = (int) (ids.length * 0.9);
        return new int[][] {java.util.Arrays.copyOfRange(ids, 0, n), java.util.Arrays.copyOfRange(ids, n, ids.length)};
    }

    private LossPictures lossPictures;

    /** Progress lines, and loss.png redrawn in the run folder at every checkpoint. */
    private LossPictures progress() {
        if (lossPictures == null) lossPictures = new LossPictures(new ProgressPrinter(console, logInterval), System.err);
        return lossPictures;
    }

    private void describe(Gpt model, Tokenizer tokenizer, TokenSource[] split, TrainConfig cfg, Path outDir) {
        GptConfig c = model.config();
        console.printf(Locale.ROOT, "model: %d layers, %d heads, %d wide, context %d, vocab %d, %s, %s positions, bias %s: %.2fM parameters%n",
                c.nLayer(), c.nHead(), c.nEmbd(), c.blockSize(), c.vocabSize(), c.activation().hfName(), c.positional().key(),
                c.bias(), c.parameterCount() / 1e6);
        console.printf(Locale.ROOT, "data: %s, %,d train / %,d val tokens (%s tokenizer, %d ids)%n",
                data, split[0].length(), split[1].length(), init != null ? init : isShardFolder(data) ? data : tokenizerSpec,
                tokenizer.vocabSize());
        console.printf(Locale.ROOT, "training: %d steps x %d sequences x %d tokens, lr %.1e -> %.1e, warmup %d; checkpoints in %s%n",
                cfg.maxIters(), cfg.batchSize() * cfg.gradAccum(), cfg.seqLen() > 0 ? cfg.seqLen() : c.blockSize(), cfg.learningRate(), cfg.minLr(),
                cfg.warmupIters(), outDir);
    }
}
