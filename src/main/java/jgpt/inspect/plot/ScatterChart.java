package jgpt.inspect.plot;

import java.awt.Color;
import java.awt.Font;
import java.util.List;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A 2-D scatter plot with a text label beside every point (embedding projections).
 * <pre>{@code
 * Png.write(ScatterChart.of("PCA of wte", points, 1000, 800), Path.of("pca.png"));
 * }</pre>
 */
public final class ScatterChart {
    private ScatterChart() {}

    /** A labelled point. */
    public record Point(String label, double x, double y) {}

    public static XYChart of(String title, String xTitle, String yTitle, List<Point> points, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(points.size() > 300 ? 3 : 6);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setAnnotationTextFontColor(new Color(30, 30, 30));
        chart.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, points.size() > 300 ? 9 : 12));
        double[] xs = new double[points.size()], ys = new double[points.size()];
        double minY = Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        for (int i = 0; i < xs.length; i++) {
            xs[i] = points.get(i).x();
            ys[i] = points.get(i).y();
            minY = Math.min(minY, ys[i]);
            maxY = Math.max(maxY, ys[i]);
        }
        XYSeries s = chart.addSeries("tokens", xs, ys);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(new Color(31, 119, 180, 180));
        double lift = (maxY - minY) * 0.018 + 1e-9; // labels sit just above their point
        for (Point p : points) chart.addAnnotation(new AnnotationText(p.label(), p.x(), p.y() + lift, false));
        return chart;
    }
}
