package jgpt.inspect;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import jgpt.io.AtomicFiles;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Heat maps as one PNG: a single labelled map, or a grid of small maps under one title (all heads of a layer, or
 * layers × heads). Each map is an XChart heat map painted into its tile (XChart places categories by position, so a
 * repeated token keeps its own row and column); row 0 is drawn at the top (XChart puts
 * the first category at the bottom), so an attention map reads like the matrix it is.
 * <pre>{@code
 * var m = new HeatMapPng.Map("layer 0, head 1", weights, t, t, tokens, tokens, "key", "query");
 * HeatMapPng.write(Path.of("att.png"), "Attention", "white = 0, dark = 1", List.of(m), 1, 700, 700, true);
 * }</pre>
 */
public final class HeatMapPng {
    private HeatMapPng() {}

    /** One map: values[r * cols + c], with a label per row and per column (null labels: axes without ticks). */
    public record Map(String title, float[] values, int rows, int cols, List<String> rowLabels, List<String> colLabels,
                      String colAxis, String rowAxis) {}

    private static final Color[] RAMP = {new Color(255, 255, 255), new Color(158, 202, 225), new Color(33, 113, 181),
            new Color(8, 29, 88)};

    /** The image: maps in a grid of {@code columns}, each tile w × h pixels, a title and caption (one line per newline, each cut to the width) above. */
    public static BufferedImage render(String title, String caption, List<Map> maps, int columns, int tileW, int tileH,
                                       boolean legend) {
        String[] lines = caption.split("\n");
        int gridRows = (maps.size() + columns - 1) / columns, header = headerHeight(caption);
        BufferedImage img = new BufferedImage(columns * tileW, header + gridRows * tileH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, 12, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i < lines.length; i++) g.drawString(fit(g, lines[i], img.getWidth() - 24), 12, 50 + 20 * i);
        for (int i = 0; i < maps.size(); i++) {
            Graphics2D tile = (Graphics2D) g.create((i % columns) * tileW, header + (i / columns) * tileH, tileW, tileH);
            chart(maps.get(i), tileW, tileH, legend).paint(tile, tileW, tileH);
            tile.dispose();
        }
        g.dispose();
        return img;
    }

    /** Renders and writes the PNG atomically (a failed write leaves {@code out} as it was). */
    public static void write(Path out, String title, String caption, List<Map> maps, int columns, int tileW, int tileH,
                             boolean legend) throws IOException {
        BufferedImage img = render(title, caption, maps, columns, tileW, tileH, legend);
        AtomicFiles.write(out, os -> {
            if (!ImageIO.write(img, "png", os)) throw new IOException("no PNG writer in this JVM");
        });
    }

    /** Pixels above the maps: the title and one line per caption line. */
    static int headerHeight(String caption) {
        return 44 + 20 * caption.split("\n").length;
    }

    /** The text cut to {@code width} pixels with an ellipsis. */
    private static String fit(Graphics2D g, String text, int width) {
        var fm = g.getFontMetrics();
        if (fm.stringWidth(text) <= width) return text;
        int n = text.length();
        while (n > 0 && fm.stringWidth(text.substring(0, n) + "…") > width) n--;
        return text.substring(0, n) + "…";
    }

    private static HeatMapChart chart(Map m, int w, int h, boolean legend) {
        HeatMapChart chart = new HeatMapChartBuilder().width(w).height(h).title(m.title())
                .xAxisTitle(m.colAxis()).yAxisTitle(m.rowAxis()).build();
        var s = chart.getStyler();
        s.setRangeColors(RAMP);
        s.setMin(0).setMax(1);
        s.setLegendVisible(legend);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesVisible(false);
        s.setDrawBorder(false);
        s.setChartTitleBoxVisible(false);
        boolean ticks = m.colLabels() != null;
        s.setAxisTicksVisible(ticks);
        s.setXAxisLabelRotation(90);
        int fontSize = Math.max(8, Math.min(14, (h - 160) / Math.max(1, m.rows())));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, fontSize));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.ITALIC, 12));
        s.setAxisTitlesVisible(m.colAxis() != null);
        List<Object> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int c = 0; c < m.cols(); c++) xs.add(ticks ? m.colLabels().get(c) : c);
        for (int r = m.rows() - 1; r >= 0; r--) ys.add(ticks ? m.rowLabels().get(r) : r);
        List<Number[]> cells = new ArrayList<>(m.rows() * m.cols());
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) cells.add(new Number[] {c, m.rows() - 1 - r, m.values()[r * m.cols() + c]});
        }
        chart.addSeries(m.title(), xs, ys, cells);
        return chart;
    }

}
