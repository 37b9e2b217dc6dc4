package jgpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import jgpt.inspect.plot.LossChart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gpt plot-loss} on a small loss.csv, bad input, and the loss.png that {@code gpt train} keeps up to date. */
class PlotLossCliTest {
    @TempDir Path tmp;

    @Test
    void drawsTrainAndValidationLossFromLossCsv() throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("loss.csv"), """
                step,train_loss,val_loss,lr,tokens_per_second
                0,4.2,4.25,,
                1,4.1,,0.001,1000.0
                2,3.9,,0.001,1000.0
                3,3.5,3.6,0.001,1000.0
                """);
        Path png = tmp.resolve("curve.png");
        Object[] r = CliErrorTest.run("plot-loss", run.toString(), "--out", png.toString());
        assertEquals(0, r[0], (String) r[2]);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(LossChart.WIDTH, img.getWidth());
        assertEquals(LossChart.HEIGHT, img.getHeight());
    }

    @Test
    void badInputIsOneErrorLine() throws Exception {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        Object[] r = CliErrorTest.run("plot-loss", empty.toString(), "--out", tmp.resolve("a.png").toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).startsWith("error:") && ((String) r[2]).contains("no loss.csv"), (String) r[2]);

        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("loss.csv"), "step,train_loss,val_loss,lr,tokens_per_second\n1,abc,,,\n");
        r = CliErrorTest.run("plot-loss", run.toString(), "--out", tmp.resolve("b.png").toString());
        assertEquals(2, r[0]);
        assertTrue(((String) r[2]).contains("malformed line 2"), (String) r[2]);
        r = CliErrorTest.run("plot-loss", run.toString(), "--out", tmp.resolve("missing/c.png").toString());
        assertEquals(2, r[0]);
        assertFalse(Files.exists(tmp.resolve("a.png")) || Files.exists(tmp.resolve("b.png")));
    }

    @Test
    void trainingWritesLossPngAtItsCheckpoints() throws Exception {
        Path text = tmp.resolve("corpus.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog.\n".repeat(40));
        Path out = tmp.resolve("trained");
        Object[] r = CliErrorTest.run("train", "--data", text.toString(), "--n-layer", "1", "--n-head", "2", "--n-embd", "16",
                "--block-size", "16", "--batch-size", "2", "--iters", "6", "--eval-interval", "3", "--eval-iters", "1",
                "--sample-tokens", "0", "--warmup", "2", "--out", out.toString());
        assertEquals(0, r[0], (String) r[2]);
        BufferedImage img = ImageIO.read(out.resolve(LossPictures.FILE).toFile());
        assertEquals(LossChart.WIDTH, img.getWidth());
        assertFalse(((String) r[2]).contains("warning"), (String) r[2]);
    }
}
