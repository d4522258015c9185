package dev.condensenet.training.train;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Loss and accuracy versus epoch, drawn with JFreeChart. */
public final class CurvesPlot {

    private CurvesPlot() {
    }

    public static void write(List<EpochStats> history, String title, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeries loss = new XYSeries("train loss");
        XYSeries trainAcc = new XYSeries("train accuracy");
        XYSeries testAcc = new XYSeries("test accuracy (masked form)");
        for (EpochStats s : history) {
            loss.add(s.epoch(), s.trainLoss());
            trainAcc.add(s.epoch(), s.trainAccuracy());
            testAcc.add(s.epoch(), s.testAccuracy());
        }
        NumberAxis epochs = new NumberAxis("epoch");
        epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochs);
        plot.add(subplot(new XYSeriesCollection(loss), "loss", false), 1);
        XYSeriesCollection acc = new XYSeriesCollection();
        acc.addSeries(trainAcc);
        acc.addSeries(testAcc);
        plot.add(subplot(acc, "accuracy", true), 1);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ChartUtils.saveChartAsPNG(tmp.toFile(), chart, 900, 700);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static XYPlot subplot(XYSeriesCollection data, String label, boolean accuracy) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot p = new XYPlot(data, null, axis, r);
        if (accuracy) {
            axis.setNumberFormatOverride(java.text.NumberFormat.getPercentInstance());
        }
        return p;
    }
}
