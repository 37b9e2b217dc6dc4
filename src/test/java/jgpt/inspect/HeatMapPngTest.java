package jgpt.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PNG decodes with ImageIO at the size asked for, and nothing is left behind but the file. */
class HeatMapPngTest {
    @TempDir Path tmp;

    @Test
    void gridDecodesAtTheExpectedSize() throws Exception {
        List<String> labels = List.of("a", "␣b", "a");
        float[] w = {1, 0, 0, 0.5f, 0.5f, 0, 0.2f, 0.3f, 0.5f};
        var maps = List.of(new HeatMapPng.Map("x", w, 3, 3, labels, labels, "key", "query"),
                new HeatMapPng.Map("y", w, 3, 3, null, null, null, null),
                new HeatMapPng.Map("z", w, 3, 3, labels, labels, "key", "query"));
        Path out = tmp.resolve("grid.png");
        HeatMapPng.write(out, "title", "first line\nsecond line", maps, 2, 300, 250, false);
        BufferedImage img = ImageIO.read(out.toFile());
        assertEquals(2 * 300, img.getWidth());
        assertEquals(HeatMapPng.headerHeight("first line\nsecond line") + 2 * 250, img.getHeight());
        assertEquals(List.of(out), Files.list(tmp).toList());
        // the map is drawn: the top-left cell (weight 1) is dark somewhere inside the first tile
        boolean dark = false;
        for (int y = HeatMapPng.headerHeight("a\nb"); y < HeatMapPng.headerHeight("a\nb") + 250 && !dark; y++) {
            for (int x = 0; x < 300 && !dark; x++) dark = (img.getRGB(x, y) & 0xFF) < 120 && ((img.getRGB(x, y) >> 16) & 0xFF) < 40;
        }
        assertTrue(dark, "no dark cell drawn");
    }
}
