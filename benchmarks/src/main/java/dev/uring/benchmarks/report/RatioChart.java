package dev.uring.benchmarks.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One chart per issue: a bar per comparison at its median Java/peer ratio, coloured by whether it met
 * its target, with its min and max over rounds and its target as markers, and the 1.0x line.
 * Rows without a peer (single figures such as B/op) are not charted: the table shows them.
 */
final class RatioChart {
    private static final Color MET = new Color(0x2e7d32);
    private static final Color MISSED = new Color(0xc62828);
    private static final Color INFO = new Color(0x78909c);

    private RatioChart() {
    }

    /** True when the issue has at least one ratio with data to chart. */
    static boolean hasRatios(List<ResultRow> rows) {
        return rows.stream().anyMatch(RatioChart::charted);
    }

    /** Writes the issue's chart as a PNG file. */
    static void write(String title, List<ResultRow> rows, Path png) throws IOException {
        List<ResultRow> charted = rows.stream().filter(RatioChart::charted).toList();
        // the bars are named by their row number in the issue's table, which holds the long names
        List<String> labels = new ArrayList<>();
        for (ResultRow r : charted) {
            labels.add("#" + (rows.indexOf(r) + 1));
        }
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(560)
                .title(title).xAxisTitle("comparison (# in the table)").yAxisTitle("Java / peer (median, min-max over rounds)").build();
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setAvailableSpaceFill(0.6);

        bars(chart, labels, charted, "median, target met", ResultRow.Met.YES, MET);
        bars(chart, labels, charted, "median, target missed", ResultRow.Met.NO, MISSED);
        bars(chart, labels, charted, "median, no target", ResultRow.Met.INFO, INFO);
        markers(chart, "min / max over rounds", labels, charted.stream().map(ResultRow::ratioMin).toList(), Color.BLACK)
                .setMarker(SeriesMarkers.TRIANGLE_UP);
        markers(chart, "max", labels, charted.stream().map(ResultRow::ratioMax).toList(), Color.BLACK)
                .setMarker(SeriesMarkers.TRIANGLE_DOWN).setShowInLegend(false);
        List<Double> targets = charted.stream().map(r -> r.targetValue().isPresent() ? r.targetValue().getAsDouble() : null).toList();
        if (targets.stream().anyMatch(t -> t != null)) {
            markers(chart, "target", labels, targets, new Color(0xef6c00)).setMarker(SeriesMarkers.DIAMOND);
        }
        CategorySeries parity = chart.addSeries("1.0x (parity)", labels, labels.stream().map(l -> 1.0).toList());
        parity.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        parity.setMarker(SeriesMarkers.NONE).setLineColor(Color.DARK_GRAY);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static boolean charted(ResultRow r) {
        return r.hasPeer() && !Double.isNaN(r.ratioMedian());
    }

    private static void bars(CategoryChart chart, List<String> labels, List<ResultRow> rows, String name,
                             ResultRow.Met met, Color color) {
        if (rows.stream().noneMatch(r -> r.met() == met)) {
            return;
        }
        // one series per colour; overlapped, the zero bars of the other rows are invisible
        List<Double> values = rows.stream().map(r -> r.met() == met ? r.ratioMedian() : 0.0).toList();
        CategorySeries s = chart.addSeries(name, labels, values);
        s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
        s.setFillColor(color);
    }

    private static CategorySeries markers(CategoryChart chart, String name, List<String> labels, List<Double> values,
                                          Color color) {
        CategorySeries s = chart.addSeries(name, labels, values);
        s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        s.setMarkerColor(color);
        return s;
    }
}
