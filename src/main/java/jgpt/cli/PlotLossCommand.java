package jgpt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.inspect.plot.LossChart;
import jgpt.inspect.plot.Png;
import jgpt.train.Checkpoint;
import jgpt.train.LossLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gpt plot-loss RUN_DIR --out FILE.png}: the loss curve of a training run as a picture. */
@Command(name = "plot-loss", mixinStandardHelpOptions = true,
        description = "Draw train and validation loss against step from a run folder's loss.csv as PNG.")
final class PlotLossCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A folder written by 'gpt train' (holds loss.csv).")
    Path run;

    @Option(names = "--out", paramLabel = "FILE.png", description = "The PNG to write (default: RUN_DIR/loss.png).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Path csv = run.resolve(Checkpoint.LOG);
        if (!Files.isDirectory(run)) throw new UserException(run + " is not a folder; give the run folder of 'gpt train'");
        if (!Files.isRegularFile(csv)) throw new UserException(run + ": no " + Checkpoint.LOG + "; give a folder written by 'gpt train'");
        Path target = out != null ? out : run.resolve("loss.png");
        Png.checkWritable(target);
        LossLog log = LossLog.fromCsv(Files.readString(csv), csv.toString());
        if (log.rows().isEmpty()) throw new UserException(csv + " holds no steps yet");
        Png.write(LossChart.of(log, title(run)), target);
        System.out.println("loss curve of " + log.rows().size() + " steps written to " + target);
        return 0;
    }

    static String title(Path run) {
        Path name = run.toAbsolutePath().normalize().getFileName();
        return "loss: " + (name == null ? run : name);
    }
}
