package io.smoothcast.benchmarks.scenarios;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws one run as a PNG: forward capacity, each flow's send rate and each media flow's
 * controller target (top, Mbps) and the bottleneck queue delay (bottom, ms) over time. Send rates are averaged over
 * {@value #SMOOTHING_BINS} bins so that frame bursts do not hide the trend. Headless.
 */
final class RunChart {

    static final int SMOOTHING_BINS = 5;
    static final int WIDTH = 1200;
    static final int HEIGHT = 700;

    private RunChart() {
    }

    static void write(RunData d, Path file) throws IOException {
        XYSeriesCollection rates = new XYSeriesCollection();
        XYSeries capacity = new XYSeries("capacity");
        for (int b = 0; b < d.bins(); b++) {
            capacity.add(b * d.binS(), d.capacityBps()[b] / 1e6);
        }
        rates.addSeries(capacity);
        for (int f = 0; f < d.flows().size(); f++) {
            FlowSeries flow = d.flows().get(f);
            if (flow.spec().kind() == FlowSpec.Kind.TCP_SHORT) {
                continue;
            }
            XYSeries series = new XYSeries(flow.spec().kind().name().toLowerCase() + "-" + f
                    + " send");
            double window = 0;
            for (int b = 0; b < d.bins(); b++) {
                window += flow.sentBits()[b];
                if (b >= SMOOTHING_BINS) {
                    window -= flow.sentBits()[b - SMOOTHING_BINS];
                }
                series.add((b + 1) * d.binS(), window / (SMOOTHING_BINS * d.binS()) / 1e6);
            }
            rates.addSeries(series);
            if (flow.targetBps().length > 0) {
                XYSeries target = new XYSeries(flow.spec().kind().name().toLowerCase() + "-" + f
                        + " target");
                for (int b = 0; b < d.bins(); b++) {
                    target.add((b + 1) * d.binS(), flow.targetBps()[b] / 1e6);
                }
                rates.addSeries(target);
            }
        }
        XYSeries shortTcp = new XYSeries("short tcp send (sum)");
        boolean anyShort = false;
        double window = 0;
        double[] sum = new double[d.bins()];
        for (FlowSeries flow : d.flows()) {
            if (flow.spec().kind() == FlowSpec.Kind.TCP_SHORT) {
                anyShort = true;
                for (int b = 0; b < d.bins(); b++) {
                    sum[b] += flow.sentBits()[b];
                }
            }
        }
        if (anyShort) {
            for (int b = 0; b < d.bins(); b++) {
                window += sum[b];
                if (b >= SMOOTHING_BINS) {
                    window -= sum[b - SMOOTHING_BINS];
                }
                shortTcp.add((b + 1) * d.binS(), window / (SMOOTHING_BINS * d.binS()) / 1e6);
            }
            rates.addSeries(shortTcp);
        }
        XYSeriesCollection delay = new XYSeriesCollection();
        XYSeries queue = new XYSeries("queue delay");
        for (int b = 0; b < d.bins(); b++) {
            queue.add((b + 1) * d.binS(), d.queueDelayMs()[b]);
        }
        delay.addSeries(queue);

        XYPlot ratePlot = new XYPlot(rates, null, new NumberAxis("Mbps"), lines(rates.getSeriesCount()));
        XYPlot delayPlot = new XYPlot(delay, null, new NumberAxis("queue ms"), lines(1));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("time (s)"));
        plot.add(ratePlot, 2);
        plot.add(delayPlot, 1);
        JFreeChart chart = new JFreeChart(d.scenario() + " / " + d.controller(),
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    private static XYLineAndShapeRenderer lines(int series) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series; i++) {
            renderer.setSeriesStroke(i, new BasicStroke(i == 0 ? 2.0f : 1.2f));
        }
        return renderer;
    }
}
