package jgpt.inspect.plot;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import jgpt.train.LossLog;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Train and validation loss against optimizer step, from a run's {@code loss.csv}.
 * <pre>{@code
 * Png.write(LossChart.of(LossLog.fromCsv(csv, "loss.csv"), "baby on Shakespeare"), Path.of("loss.png"));
 * }</pre>
 */
public final class LossChart {
    private LossChart() {}

    public static final int WIDTH = 900, HEIGHT = 560;

    /** The chart; a log without any finite loss gives an empty chart titled so. */
    public static XYChart of(LossLog log, String title) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("step").yAxisTitle("loss (nats/token)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#"); // steps are integers; "1,010" labels ran into each other
        chart.getStyler().setXAxisTickMarkSpacingHint(120);
        List<Double> ts = new ArrayList<>(), tl = new ArrayList<>(), vs = new ArrayList<>(), vl = new ArrayList<>();
        for (LossLog.Row r : log.rows()) {
            if (Float.isFinite(r.trainLoss()) && !Float.isNaN(r.lr())) { ts.add((double) r.step()); tl.add((double) r.trainLoss()); }
            if (Float.isFinite(r.valLoss())) { vs.add((double) r.step()); vl.add((double) r.valLoss()); }
        }
        if (!ts.isEmpty()) {
            XYSeries train = chart.addSeries("train (per step)", ts, tl);
            train.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            train.setMarker(SeriesMarkers.NONE);
            train.setLineColor(new Color(31, 119, 180, 150));
        }
        if (!vs.isEmpty()) {
            XYSeries val = chart.addSeries("validation (estimate)", vs, vl);
            val.setMarker(SeriesMarkers.CIRCLE);
            val.setLineColor(new Color(214, 39, 40));
            val.setMarkerColor(new Color(214, 39, 40));
        }
        if (ts.isEmpty() && vs.isEmpty()) chart.setTitle(title + " (no losses logged yet)");
        return chart;
    }
}
