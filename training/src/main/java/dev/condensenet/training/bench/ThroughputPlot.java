package dev.condensenet.training.bench;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Images/s versus batch size, one line per form. */
public final class ThroughputPlot {

    private ThroughputPlot() {
    }

    public static void write(Map<String, List<Throughput.Result>> byForm, String title, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        byForm.forEach((form, results) -> {
            XYSeries s = new XYSeries(form);
            results.forEach(r -> s.add(r.batchSize(), r.imagesPerSec()));
            data.addSeries(s);
        });
        LogAxis batch = new LogAxis("batch size");
        batch.setBase(2);
        batch.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis rate = new NumberAxis("images/s");
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, new XYPlot(data, batch, rate, r), true);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 600);
    }
}
