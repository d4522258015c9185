package dev.condensenet.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curves.png is readable from the first epoch on: every axis has distinct tick labels. */
class CurvesPlotTest {

    @TempDir
    Path tmp;

    private static EpochStats epoch(int n, double loss, double acc) {
        return new EpochStats(n, loss, acc, acc - 0.01, 0.1, 0, 0, 1, 100);
    }

    /** The tick labels each axis draws at 900x700, domain axis first. */
    private static List<List<String>> tickLabels(JFreeChart chart) {
        BufferedImage image = new BufferedImage(900, 700, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = image.createGraphics();
        ChartRenderingInfo info = new ChartRenderingInfo();
        chart.draw(g2, new Rectangle2D.Double(0, 0, 900, 700), info);
        CombinedDomainXYPlot plot = (CombinedDomainXYPlot) chart.getPlot();
        List<List<String>> labels = new ArrayList<>();
        Rectangle2D first = info.getPlotInfo().getSubplotInfo(0).getDataArea();
        labels.add(texts(((NumberAxis) plot.getDomainAxis()).refreshTicks(g2, new AxisState(), first,
                RectangleEdge.BOTTOM)));
        for (int i = 0; i < plot.getSubplots().size(); i++) {
            XYPlot sub = plot.getSubplots().get(i);
            Rectangle2D area = info.getPlotInfo().getSubplotInfo(i).getDataArea();
            labels.add(texts(((NumberAxis) sub.getRangeAxis()).refreshTicks(g2, new AxisState(), area,
                    RectangleEdge.LEFT)));
        }
        g2.dispose();
        return labels;
    }

    private static List<String> texts(List<? extends Tick> ticks) {
        return ticks.stream().map(Tick::getText).filter(t -> t != null && !t.isEmpty()).toList(); // minor ticks have none
    }

    @Test
    void onePointHasOneEpochTickAndDistinctValueTicks() throws Exception {
        List<List<String>> labels = tickLabels(CurvesPlot.chart(List.of(epoch(1, 2.302585, 0.4375)), "one epoch"));
        assertEquals(List.of("1"), labels.get(0));
        for (List<String> axis : labels.subList(1, labels.size())) {
            assertTrue(axis.size() >= 3, axis.toString());
            assertEquals(axis.size(), new HashSet<>(axis).size(), "repeated tick labels " + axis);
        }
        Path png = tmp.resolve("curves.png");
        CurvesPlot.write(List.of(epoch(1, 2.302585, 0.4375)), "one epoch", png);
        assertTrue(Files.size(png) > 1000);
    }

    @Test
    void longRunsKeepDistinctLabelsToo() {
        List<EpochStats> history = new ArrayList<>();
        for (int e = 1; e <= 40; e++) {
            history.add(epoch(e, 2.0 / e, 0.9 + e / 1000.0));
        }
        for (List<String> axis : tickLabels(CurvesPlot.chart(history, "forty epochs"))) {
            assertEquals(axis.size(), new HashSet<>(axis).size(), "repeated tick labels " + axis);
        }
    }
}
