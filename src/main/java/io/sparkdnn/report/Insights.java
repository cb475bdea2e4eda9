package io.sparkdnn.report;

import static io.sparkdnn.report.TrainingReport.esc;
import static io.sparkdnn.report.TrainingReport.img;
import static io.sparkdnn.report.TrainingReport.num;

import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.results.LearningRateRange;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's sections for permutation importance and the learning-rate range test: charts
 * (JFreeChart PNGs), tables, and for image-shaped inputs a map of importance per pixel.
 */
final class Insights {
  /** Units in the chart, and rows of the table before the bottom of the ranking. */
  static final int TOP = 20;
  static final int TABLE_TOP = 25;
  static final int TABLE_BOTTOM = 5;

  private Insights() {}

  static String importanceHtml(FeatureImportance fi) {
    StringBuilder h = new StringBuilder("<h2>Feature importance (permutation)</h2>\n");
    h.append("<p id=\"importance-summary\">").append(esc(String.format(Locale.ROOT,
        "How much the %s gets worse when a unit's values are shuffled across rows: mean over %d shuffle(s), "
            + "error bars ± one standard deviation. Baseline %s %s on %,d rows; %d units (%s); seed %d; "
            + "%.1f s in %d Spark jobs.", fi.metric().token(), fi.repeats(), fi.metric().token(), num(fi.baseline()),
        fi.rows(), fi.units().size(), fi.grouping(), fi.seed(), fi.seconds(), fi.passes()))).append("</p>\n");
    h.append(img("importance", chart(fi)));
    String map = pixelMap(fi);
    if (map != null) {
      h.append(map);
    }
    List<FeatureImportance.Unit> units = fi.units();
    h.append("<div class=\"scroll\"><table id=\"importance-table\"><tr><th>rank</th><th class=\"l\">unit</th>"
        + "<th>slots</th><th>").append(esc(fi.dropLabel())).append("</th><th>std</th><th>min</th><th>max</th></tr>\n");
    boolean cut = units.size() > TABLE_TOP + TABLE_BOTTOM;
    for (int i = 0; i < units.size(); i++) {
      if (cut && i == TABLE_TOP) {
        h.append("<tr><td></td><td class=\"l\">… ").append(units.size() - TABLE_TOP - TABLE_BOTTOM)
            .append(" more</td><td></td><td></td><td></td><td></td><td></td></tr>\n");
        i = units.size() - TABLE_BOTTOM;
      }
      FeatureImportance.Unit u = units.get(i);
      h.append("<tr class=\"unit\" data-rank=\"").append(i + 1).append("\"><td>").append(i + 1)
          .append("</td><td class=\"l\">").append(esc(u.name())).append("</td><td>").append(u.slots().length)
          .append("</td><td>").append(num(u.mean())).append("</td><td>").append(num(u.std())).append("</td><td>")
          .append(num(u.min())).append("</td><td>").append(num(u.max())).append("</td></tr>\n");
    }
    h.append("</table></div>\n<p class=\"note\">Every unit is in importance.json and importance.csv. A unit near 0 "
        + "carries nothing the model uses that the others do not also carry (correlated inputs share their "
        + "importance).</p>\n");
    return h.toString();
  }

  private static JFreeChart chart(FeatureImportance fi) {
    DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
    List<FeatureImportance.Unit> units = fi.units();
    for (int i = 0; i < Math.min(TOP, units.size()); i++) {
      FeatureImportance.Unit u = units.get(i);
      data.add(u.mean(), u.std(), "importance", (i + 1) + ". " + shorten(u.name()));
    }
    CategoryAxis categories = new CategoryAxis(null);
    NumberAxis values = new NumberAxis(fi.dropLabel());
    StatisticalBarRenderer renderer = new StatisticalBarRenderer();
    renderer.setSeriesPaint(0, new Color(60, 110, 180));
    renderer.setErrorIndicatorPaint(Color.DARK_GRAY);
    renderer.setDrawBarOutline(false);
    CategoryPlot plot = new CategoryPlot(data, categories, values, renderer);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return new JFreeChart("Most important " + Math.min(TOP, units.size()) + " of " + units.size() + " units",
        JFreeChart.DEFAULT_TITLE_FONT, plot, false);
  }

  private static String shorten(String name) {
    return name.length() > 40 ? name.substring(0, 37) + "…" : name;
  }

  /**
   * For single-slot units over a square input (an image, e.g. 28 × 28): each pixel shaded by its
   * importance, white at 0 (or below) to dark at the largest; null for other inputs.
   */
  private static String pixelMap(FeatureImportance fi) {
    List<FeatureImportance.Unit> units = fi.units();
    int n = units.size();
    int side = (int) Math.round(Math.sqrt(n));
    if (side * side != n || side < 4) {
      return null;
    }
    double[] value = new double[n];
    for (FeatureImportance.Unit u : units) {
      if (u.slots().length != 1 || u.slots()[0] >= n) {
        return null;
      }
      value[u.slots()[0]] = u.mean();
    }
    double max = 0;
    for (double v : value) {
      max = Math.max(max, v);
    }
    int scale = Math.max(1, 280 / side);
    BufferedImage image = new BufferedImage(side * scale, side * scale, BufferedImage.TYPE_INT_RGB);
    for (int p = 0; p < n; p++) {
      double t = max > 0 ? Math.max(0, value[p]) / max : 0;
      int rgb = new Color((float) (1 - 0.85 * t), (float) (1 - 0.6 * t), (float) (1 - 0.25 * t)).getRGB();
      int row = p / side;
      int col = p % side;
      for (int dy = 0; dy < scale; dy++) {
        for (int dx = 0; dx < scale; dx++) {
          image.setRGB(col * scale + dx, row * scale + dy, rgb);
        }
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render the importance map", e);
    }
    return "<p class=\"note\">Importance per input position as a " + side + " × " + side + " image (row-major), "
        + "white at 0 to dark blue at the largest (" + num(max) + "):</p>\n<img id=\"importance-map\" "
        + "alt=\"importance map\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray())
        + "\">\n";
  }

  static String rangeTestHtml(LearningRateRange r) {
    StringBuilder h = new StringBuilder("<h2>Learning-rate range test</h2>\n");
    h.append("<p id=\"lr-suggestion\" class=\"ok\">Suggested learning rate <b>").append(esc(rate(r.suggested())))
        .append("</b>: ").append(esc(LearningRateRange.RULE)).append(" (").append(esc(rate(r.minLossRate())))
        .append(", smoothed loss ").append(num(r.minLoss())).append(").</p>\n");
    h.append(img("lr-find", chart(r)));
    h.append("<table id=\"lr-find-facts\">");
    row(h, "steps", r.points().size() + " of " + r.steps() + " (" + rate(r.minRate()) + " to " + rate(r.maxRate())
        + ", × " + String.format(Locale.ROOT, "%.4g", Math.pow(r.maxRate() / r.minRate(), 1.0 / (r.steps() - 1)))
        + " per step)");
    row(h, "how it ended", r.stopReason());
    row(h, "steepest descent at", rate(r.steepestRate()));
    row(h, "mode", r.mode() + (r.mode().equals("local")
        ? ": every partition steps through the rates on its own rows; losses averaged per step"
        : ": one global step per round"));
    row(h, "rows per step", String.format(Locale.ROOT, "%,d", r.batchRows()));
    row(h, "smoothing, stop factor", r.smoothing() + ", " + r.stopFactor());
    row(h, "seed, time", r.seed() + String.format(Locale.ROOT, ", %.1f s", r.seconds()));
    h.append("</table>\n<p class=\"note\">Every step is in lr-find.csv (step, learning_rate, loss, "
        + "smoothed_loss).</p>\n");
    return h.toString();
  }

  private static void row(StringBuilder h, String name, String value) {
    h.append("<tr><th class=\"l\">").append(esc(name)).append("</th><td class=\"l\">").append(esc(value))
        .append("</td></tr>");
  }

  private static String rate(double r) {
    return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.3g", r);
  }

  private static JFreeChart chart(LearningRateRange r) {
    XYSeries raw = new XYSeries("loss per step");
    XYSeries smoothed = new XYSeries("smoothed loss");
    for (LearningRateRange.Point p : r.points()) {
      raw.add(p.rate(), p.loss());
      smoothed.add(p.rate(), p.smoothed());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(raw);
    data.addSeries(smoothed);
    LogAxis x = new LogAxis("learning rate (log scale)");
    x.setSmallestValue(r.minRate());
    NumberAxis y = new NumberAxis("training loss");
    y.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, new Color(150, 170, 210));
    renderer.setSeriesStroke(0, new BasicStroke(1f));
    renderer.setSeriesPaint(1, new Color(20, 60, 150));
    renderer.setSeriesStroke(1, new BasicStroke(2.5f));
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    ValueMarker suggested = new ValueMarker(r.suggested(), new Color(0, 130, 0), new BasicStroke(2f));
    suggested.setLabel("suggested " + rate(r.suggested()));
    suggested.setLabelAnchor(RectangleAnchor.TOP_LEFT);
    suggested.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
    plot.addDomainMarker(suggested);
    ValueMarker minimum = new ValueMarker(r.minLossRate(), Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
        BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
    minimum.setLabel("lowest " + rate(r.minLossRate()));
    minimum.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
    minimum.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
    plot.addDomainMarker(minimum);
    return new JFreeChart("Loss against learning rate", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
  }
}
