package dev.condensenet.pipeline.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The benchmark's two charts, as PNG files. */
public final class BenchPlots {
    public static final String THROUGHPUT = "throughput-vs-batch.png";
    public static final String LATENCY = "latency-vs-rate.png";

    private BenchPlots() {}

    /** Writes {@link #THROUGHPUT} and {@link #LATENCY} into {@code dir} (created if needed). */
    public static List<Path> write(BenchReport report, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        String setup = report.model + ", " + report.device + ", " + report.threads + " thread(s), parallelism "
                + report.parallelism;

        XYSeries pipeline = new XYSeries("pipeline (Kafka -> Flink -> Kafka)");
        XYSeries model = new XYSeries("model only (same predictor)");
        for (BenchReport.BatchRow r : report.batches) {
            pipeline.add(r.batchSize(), r.pipelineFps());
            model.add(r.batchSize(), r.modelFps());
        }
        XYSeriesCollection tp = new XYSeriesCollection();
        tp.addSeries(pipeline);
        tp.addSeries(model);
        LogAxis batch = new LogAxis("batch size (max batch)");
        batch.setBase(2);
        batch.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        batch.setNumberFormatOverride(new DecimalFormat("0")); // 1, 2, 4, ... rather than 2^n
        Path throughput = dir.resolve(THROUGHPUT);
        save(new JFreeChart("Throughput vs batch size: " + setup, JFreeChart.DEFAULT_TITLE_FONT,
                new XYPlot(tp, batch, new NumberAxis("frames/s"), lines(2)), true), throughput);

        XYSeries p50 = new XYSeries("p50");
        XYSeries p95 = new XYSeries("p95");
        XYSeries p99 = new XYSeries("p99");
        for (BenchReport.RateRow r : report.rates) {
            p50.add(r.targetFps(), r.p50Ms());
            p95.add(r.targetFps(), r.p95Ms());
            p99.add(r.targetFps(), r.p99Ms());
        }
        XYSeriesCollection lat = new XYSeriesCollection();
        lat.addSeries(p50);
        lat.addSeries(p95);
        lat.addSeries(p99);
        NumberAxis ms = new NumberAxis("ms");
        double top = Math.max(report.latencyBoundMs(),
                report.rates.stream().mapToDouble(BenchReport.RateRow::p99Ms).max().orElse(0));
        ms.setRange(0, Math.max(1, top * 1.15));
        NumberAxis rate = new NumberAxis("input rate, frames/s (batch " + report.referenceBatch + ", peak "
                + Math.round(report.peakFps()) + ")");
        rate.setAutoRangeIncludesZero(true);
        Path latency = dir.resolve(LATENCY);
        XYPlot plot = new XYPlot(lat, rate, ms, lines(3));
        ValueMarker bound = new ValueMarker(report.latencyBoundMs(), Color.DARK_GRAY, new BasicStroke(1.5f,
                BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        bound.setLabel(String.format(Locale.ROOT, "p99 bound %.1f ms = max delay %d + 2 x model-only batch-%d time",
                report.latencyBoundMs(), report.maxDelayMs, report.referenceBatch));
        bound.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        bound.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addRangeMarker(bound);
        save(new JFreeChart("Latency (produce -> prediction read) vs input rate: " + setup,
                JFreeChart.DEFAULT_TITLE_FONT, plot, true), latency);
        return List.of(throughput, latency);
    }

    private static XYLineAndShapeRenderer lines(int series) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < series; i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        return r;
    }

    private static void save(JFreeChart chart, Path file) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 600);
    }
}
