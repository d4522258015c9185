package dev.condensenet.training.train;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.DecimalFormat;
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

    /**
     * The smallest span of each value axis: with one epoch (or a flat curve) JFreeChart would otherwise
     * zoom into a range of 1e-8 and label every tick with the same rounded number.
     */
    static final double MIN_LOSS_SPAN = 0.1;
    static final double MIN_ACCURACY_SPAN = 0.05;

    private CurvesPlot() {
    }

    public static void write(List<EpochStats> history, String title, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ChartUtils.saveChartAsPNG(tmp.toFile(), chart(history, title), 900, 700);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The chart of {@code history}: loss above, train and test accuracy below, one x tick per epoch. */
    static JFreeChart chart(List<EpochStats> history, String title) {
        System.setProperty("java.awt.headless", "true");
        XYSeries loss = new XYSeries("train loss");
        XYSeries trainAcc = new XYSeries("train accuracy");
        XYSeries testAcc = new XYSeries("test accuracy (masked form)");
        int last = 1;
        for (EpochStats s : history) {
            loss.add(s.epoch(), s.trainLoss());
            trainAcc.add(s.epoch(), s.trainAccuracy());
            testAcc.add(s.epoch(), s.testAccuracy());
            last = Math.max(last, s.epoch());
        }
        NumberAxis epochs = new NumberAxis("epoch");
        epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        // half an epoch of margin: a single epoch gets one tick instead of ten labelled "1"
        epochs.setRange(0.5, last + 0.5);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochs);
        plot.add(subplot(new XYSeriesCollection(loss), "loss", false), 1);
        XYSeriesCollection acc = new XYSeriesCollection();
        acc.addSeries(trainAcc);
        acc.addSeries(testAcc);
        plot.add(subplot(acc, "accuracy", true), 1);
        return new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    private static XYPlot subplot(XYSeriesCollection data, String label, boolean accuracy) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(false);
        axis.setAutoRangeMinimumSize(accuracy ? MIN_ACCURACY_SPAN : MIN_LOSS_SPAN);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot p = new XYPlot(data, null, axis, r);
        if (accuracy) {
            axis.setNumberFormatOverride(new DecimalFormat("0.#%"));
        }
        return p;
    }
}
