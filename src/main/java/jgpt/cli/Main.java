package jgpt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import jgpt.UserException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code gpt} command. With no arguments it runs the default job: train the {@code baby}
 * model on the bundled Tiny Shakespeare with nanoGPT's CPU recipe, then print samples.
 * User mistakes print one line and exit with code 2.
 */
@Command(name = "gpt", mixinStandardHelpOptions = true, version = "jgpt 0.1.0",
        description = "Train, run and inspect GPT-2 models in pure Java.",
        subcommands = {TrainCommand.class, GenerateCommand.class, ScoreCommand.class, InfoCommand.class,
                TokenizeCommand.class, BleuCommand.class, PrepareCommand.class, TrainTokenizerCommand.class, ExportCommand.class, BenchCommand.class,
                ParamsCommand.class, NextCommand.class, AttentionCommand.class, LensCommand.class,
                EmbedCommand.class, PlotLossCommand.class,
                ConvertCommand.class,
                TranslateCommand.class, TrainTranslationCommand.class,
                ChatCommand.class,
                ServeCommand.class, BenchServeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {
    static final int USER_ERROR = 2;

    @picocli.CommandLine.Option(names = "--threads", scope = CommandLine.ScopeType.INHERIT, paramLabel = "N",
            description = "Worker threads for the kernels (default: one per core).")
    void threads(int n) {
        if (n < 1) throw new picocli.CommandLine.ParameterException(new CommandLine(this), "--threads must be >= 1, got " + n);
        jgpt.kernels.Parallel.configure(n);
    }

    @Override
    public Integer call() throws Exception {
        return new TrainCommand().defaultJob();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage().split("\n")[0]
                    + " (see 'gpt " + commandName(ex.getCommandLine()) + "--help')");
            return USER_ERROR;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String msg = userMessage(ex);
            if (msg == null) throw ex;
            commandLine.getErr().println("error: " + msg);
            return USER_ERROR;
        });
        return cli.execute(args);
    }

    private static String commandName(CommandLine cl) {
        return cl.getParent() == null ? "" : cl.getCommandName() + " ";
    }

    /** A one-line message for failures caused by input, or null for bugs (which keep their stack trace). */
    static String userMessage(Throwable ex) {
        if (ex instanceof UserException) return ex.getMessage();
        if (ex instanceof NoSuchFileException e) return e.getFile() + ": file not found";
        if (ex instanceof AccessDeniedException e) return e.getFile() + ": permission denied";
        if (ex instanceof OutOfMemoryError) return "out of memory; give the JVM more heap, e.g. JGPT_JAVA_OPTS=-Xmx16g";
        if (ex instanceof IOException e) return "I/O error: " + e.getMessage();
        return null;
    }
}
