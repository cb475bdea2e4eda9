package io.sparkdnn.report;

import io.sparkdnn.engine.Task;
import io.sparkdnn.results.ClassMetrics;
import io.sparkdnn.results.DriftReport;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.results.LearningRateRange;
import io.sparkdnn.results.MetricName;
import io.sparkdnn.results.PromotionDecision;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * report.html for a trained model: one self-contained page (charts are PNGs rendered by
 * JFreeChart and embedded as data URIs) with the promotion decision, the comparison with the
 * production model, the test metrics, learning curves, the confusion matrix (a heat map of counts,
 * as an HTML table) or a residual plot, drift, every epoch, the configuration, row counts and
 * timings. The page checks on load that every chart decoded and no script failed, and says so in
 * {@code body[data-rendered]}; it also records its width against the window's
 * ({@code data-page-width}, {@code data-window-width}) and which tables needed their sideways
 * scroll box ({@code data-scrolled-tables}).
 */
public final class TrainingReport {
  private final Map<String, String> facts = new LinkedHashMap<>();
  private final List<EpochMetrics> epochs = new ArrayList<>();
  private PromotionDecision decision;
  private EvaluationResult newMetrics;
  private EvaluationResult currentMetrics;
  private EvaluationResult testMetrics;
  private String currentVersion;
  private double[][] confusion;
  private String[] classes;
  private double[][] residuals;
  private DriftReport drift;
  private FeatureImportance importance;
  private LearningRateRange rangeTest;
  private String title;
  private Map<String, String> config = new LinkedHashMap<>();

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** A line of the header, e.g. fact("network", "784-256relu-10softmax"). */
  public TrainingReport fact(String name, Object value) {
    facts.put(name, String.valueOf(value));
    return this;
  }

  public TrainingReport epochs(List<EpochMetrics> records) {
    epochs.addAll(records);
    return this;
  }

  public TrainingReport decision(PromotionDecision decision) {
    this.decision = decision;
    return this;
  }

  /** Metrics of the new model and (optionally) of the production one on the same validation data. */
  public TrainingReport comparison(EvaluationResult newMetrics, String currentVersion, EvaluationResult current) {
    this.newMetrics = newMetrics;
    this.currentVersion = currentVersion;
    this.currentMetrics = current;
    return this;
  }

  /** The new model's metrics on the test data (the "Test metrics" section); null leaves it out. */
  public TrainingReport testMetrics(EvaluationResult test) {
    this.testMetrics = test;
    return this;
  }

  /** The validation confusion matrix, counts[actual][predicted] (K × K) over classes (K names). */
  public TrainingReport confusion(double[][] matrix, String[] classes) {
    this.confusion = matrix;
    this.classes = classes;
    return this;
  }

  /** Pairs (actual, predicted) of the first output, for the residual plot. */
  public TrainingReport residuals(double[][] actualPredicted) {
    this.residuals = actualPredicted;
    return this;
  }

  public TrainingReport drift(DriftReport drift) {
    this.drift = drift;
    return this;
  }

  /** The page's heading and title; by default the "model" fact. */
  public TrainingReport title(String title) {
    this.title = title;
    return this;
  }

  /** Permutation feature importance: a chart of the most important units and a table. */
  public TrainingReport importance(FeatureImportance importance) {
    this.importance = importance;
    return this;
  }

  /** A learning-rate range test: loss against learning rate, the suggestion and how the test ended. */
  public TrainingReport rangeTest(LearningRateRange rangeTest) {
    this.rangeTest = rangeTest;
    return this;
  }

  /** Configuration keys and their values. */
  public TrainingReport config(Map<String, String> config) {
    this.config = new LinkedHashMap<>(config);
    return this;
  }

  public String html() {
    StringBuilder h = new StringBuilder();
    String heading = title != null ? title : facts.getOrDefault("model", "spark-dnn model");
    h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(heading)).append(title != null ? "" : " — training report").append("</title>\n")
        .append("<style>body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
            + "text-align:right}th{background:#f0f0f0}td.l,th.l{text-align:left;overflow-wrap:anywhere}"
            + ".ok{color:#060}.no{color:#a00}img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}"
            // a wide table scrolls inside its box instead of widening the page
            + ".scroll{max-width:100%;overflow-x:auto}.scroll table{margin-bottom:0.5em}"
            + "#epochs th{max-width:6.5em;white-space:normal;vertical-align:bottom}"
            + "table.heat td{min-width:2.5em}table.heat td.diag{font-weight:bold}p.note{color:#555;font-size:90%}"
            + "</style>\n")
        .append("<script>window.__errors=[];window.addEventListener('error',function(e){"
            + "window.__errors.push(e.message||'resource error')},true);</script>\n")
        .append("</head><body data-rendered=\"pending\">\n");
    h.append("<h1>").append(esc(heading)).append("</h1>\n<table>");
    facts.forEach((k, v) -> h.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">")
        .append(esc(v)).append("</td></tr>"));
    h.append("</table>\n");
    if (decision != null) {
      boolean promoted = decision.promoted();
      h.append("<h2>Promotion</h2>\n<p class=\"").append(promoted ? "ok" : "no").append("\" id=\"decision\">")
          .append(promoted ? "Promoted to production" : "Not promoted; production stays as it was")
          .append(": ").append(esc(decision.reason())).append("</p>\n");
    }
    if (newMetrics != null) {
      h.append("<h2>Validation metrics</h2>\n<table><tr><th class=\"l\">metric</th><th>this version</th>");
      if (currentMetrics != null) {
        h.append("<th>production (").append(esc(currentVersion)).append(")</th>");
      }
      h.append("</tr>");
      metricRow(h, "rows", newMetrics.rows(), currentMetrics == null ? null : currentMetrics.rows());
      for (String key : new String[] {"loss", "accuracy", "macro_f1", "roc_auc", "pr_auc", "hamming_accuracy", "rmse", "mae",
        "r2"}) {
        double mine = metricValue(newMetrics, key);
        if (!Double.isNaN(mine)) {
          metricRow(h, key, mine, currentMetrics == null ? null : metricValue(currentMetrics, key));
        }
      }
      h.append("</table>\n");
    }
    if (testMetrics != null) {
      h.append(testHtml());
    }
    if (!epochs.isEmpty()) {
      h.append("<h2>Learning curves</h2>\n");
      h.append(img("loss", lossChart()));
      JFreeChart quality = qualityChart();
      if (quality != null) {
        h.append(img("quality", quality));
      }
    }
    if (confusion != null) {
      h.append("<h2>Confusion matrix (validation)</h2>\n").append(confusionHtml());
    }
    if (residuals != null && residuals.length > 0) {
      h.append("<h2>Residuals (validation)</h2>\n").append(img("residuals", residualChart()));
    }
    if (drift != null) {
      h.append("<h2>Drift against the production model's training data</h2>\n");
      h.append(driftHtml());
    }
    if (rangeTest != null) {
      h.append(Insights.rangeTestHtml(rangeTest));
    }
    if (importance != null) {
      h.append(Insights.importanceHtml(importance));
    }
    if (!epochs.isEmpty()) {
      h.append(epochsHtml());
    }
    if (!config.isEmpty()) {
      h.append("<h2>Configuration</h2>\n<table>");
      config.forEach((k, v) -> h.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">")
          .append(esc(v)).append("</td></tr>"));
      h.append("</table>\n");
    }
    h.append("<script>window.addEventListener('load',function(){var bad=[];"
        + "document.querySelectorAll('img').forEach(function(i){if(!i.complete||i.naturalWidth===0)bad.push(i.id)});"
        + "var errs=window.__errors;document.body.setAttribute('data-rendered',"
        + "bad.length||errs.length?'broken: '+bad.concat(errs).join(', '):'ok');"
        + "document.body.setAttribute('data-images',document.querySelectorAll('img').length);"
        // layout facts for readers and tests: how wide the page is against the window, and which
        // tables need their scroll box (wider than the page can show)
        + "document.body.setAttribute('data-window-width',document.documentElement.clientWidth);"
        + "document.body.setAttribute('data-page-width',document.documentElement.scrollWidth);"
        + "var wide=[];document.querySelectorAll('.scroll').forEach(function(s){"
        + "if(s.scrollWidth>s.clientWidth)wide.push(s.firstElementChild.id)});"
        + "document.body.setAttribute('data-scrolled-tables',wide.join(' '));});</script>\n");
    h.append("</body></html>\n");
    return h.toString();
  }

  private JFreeChart lossChart() {
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(series("train_loss", EpochMetrics::trainLoss));
    XYSeries val = series("val_loss", EpochMetrics::valLoss);
    if (!val.isEmpty()) {
      data.addSeries(val);
    }
    return lineChart("Loss per epoch", "loss", data);
  }

  private JFreeChart qualityChart() {
    XYSeriesCollection data = new XYSeriesCollection();
    for (XYSeries s : List.of(series("train_accuracy", EpochMetrics::trainAccuracy),
        series("val_accuracy", EpochMetrics::valAccuracy), series("val_rmse", EpochMetrics::valRmse))) {
      if (!s.isEmpty()) {
        data.addSeries(s);
      }
    }
    if (data.getSeriesCount() == 0) {
      return null;
    }
    return lineChart("Quality per epoch", data.getSeriesKey(data.getSeriesCount() - 1).toString()
        .startsWith("val_rmse") ? "RMSE" : "accuracy", data);
  }

  private XYSeries series(String key, ToDoubleFunction<EpochMetrics> metric) {
    XYSeries s = new XYSeries(key);
    for (EpochMetrics e : epochs) {
      double v = metric.applyAsDouble(e);
      if (Double.isFinite(v)) {
        s.add(e.epoch(), v);
      }
    }
    return s;
  }

  /** A metric of the comparison table by its JSON name. */
  private static double metricValue(EvaluationResult r, String key) {
    switch (key) {
      case "hamming_accuracy":
        return r.hammingAccuracy();
      default:
        return r.metric(MetricName.fromToken(key));
    }
  }

  private static void metricRow(StringBuilder h, String key, Object mine, Object theirs) {
    h.append("<tr><td class=\"l\">").append(key).append("</td><td>").append(num(mine)).append("</td>");
    if (theirs != null) {
      h.append("<td>").append(num(theirs)).append("</td>");
    }
    h.append("</tr>");
  }

  private static JFreeChart lineChart(String title, String yLabel, XYSeriesCollection data) {
    NumberAxis x = new NumberAxis("epoch");
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    NumberAxis y = new NumberAxis(yLabel);
    y.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    return new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
  }

  /**
   * The epochs table. It shows what a reader compares across epochs — losses, quality, the
   * learning rate, time and speed — in about ten columns with wrapping headers, so that it fits a
   * 1280-px window; metrics.jsonl has every field. Columns without a value in any epoch are left
   * out. The table sits in a box that scrolls sideways on narrower windows rather than widening
   * the page.
   */
  private String epochsHtml() {
    List<EpochColumn> columns = new ArrayList<>();
    for (EpochColumn c : EPOCH_COLUMNS) {
      if (epochs.stream().anyMatch(e -> c.shown(c.value.applyAsDouble(e)))) {
        columns.add(c);
      }
    }
    StringBuilder h = new StringBuilder("<h2>Epochs</h2>\n<div class=\"scroll\"><table id=\"epochs\"><tr>");
    for (EpochColumn c : columns) {
      h.append("<th title=\"").append(c.key).append(" in metrics.jsonl\">").append(esc(c.header)).append("</th>");
    }
    h.append("</tr>\n");
    for (EpochMetrics e : epochs) {
      h.append("<tr class=\"epoch\" data-epoch=\"").append(e.epoch()).append("\">");
      for (EpochColumn c : columns) {
        double v = c.value.applyAsDouble(e);
        h.append("<td>").append(Double.isNaN(v) ? "" : c.format.apply(v)).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table></div>\n<p class=\"note\">Every field of every epoch is in metrics.jsonl.</p>\n");
    return h.toString();
  }

  /** A column of the epochs table: header, metrics.jsonl key, value (NaN: none), format. */
  private record EpochColumn(String header, String key, ToDoubleFunction<EpochMetrics> value,
      DoubleFunction<String> format, boolean hiddenWhenZero) {
    boolean shown(double v) {
      return !Double.isNaN(v) && !(hiddenWhenZero && v == 0);
    }
  }

  private static final List<EpochColumn> EPOCH_COLUMNS = List.of(
      new EpochColumn("epoch", "epoch", EpochMetrics::epoch, v -> String.valueOf((long) v), false),
      new EpochColumn("train loss", "train_loss", EpochMetrics::trainLoss, TrainingReport::num, false),
      new EpochColumn("train accuracy", "train_accuracy", EpochMetrics::trainAccuracy, TrainingReport::num, false),
      new EpochColumn("val loss", "val_loss", EpochMetrics::valLoss, TrainingReport::num, false),
      new EpochColumn("val accuracy", "val_accuracy", EpochMetrics::valAccuracy, TrainingReport::num, false),
      new EpochColumn("val RMSE", "val_rmse", EpochMetrics::valRmse, TrainingReport::num, false),
      new EpochColumn("val MAE", "val_mae", EpochMetrics::valMae, TrainingReport::num, false),
      new EpochColumn("val R²", "val_r2", EpochMetrics::valR2, TrainingReport::num, false),
      new EpochColumn("learning rate", "learning_rate", EpochMetrics::learningRate, TrainingReport::num, false),
      new EpochColumn("seconds", "epoch_seconds", EpochMetrics::epochSeconds,
          v -> String.format(Locale.ROOT, "%.2f", v), false),
      new EpochColumn("rows / s", "rows_per_second", EpochMetrics::rowsPerSecond,
          v -> String.format(Locale.ROOT, "%,.0f", v), false),
      new EpochColumn("retries", "retries", EpochMetrics::retries, v -> String.valueOf((long) v), true));

  /**
   * The confusion matrix as a heat map: an HTML table whose cells hold the counts (exact,
   * selectable, readable at any K) on a white-to-blue shade of count / largest count; the diagonal
   * is bold and each row ends with its total.
   */
  private String confusionHtml() {
    int k = confusion.length;
    double max = 0;
    for (double[] row : confusion) {
      for (double v : row) {
        max = Math.max(max, v);
      }
    }
    max = max > 0 ? max : 1;
    StringBuilder h = new StringBuilder("<div class=\"scroll\"><table id=\"confusion\" class=\"heat\">")
        .append("<tr><th class=\"l\">actual \\ predicted</th>");
    for (int p = 0; p < k; p++) {
      h.append("<th>").append(esc(className(p))).append("</th>");
    }
    h.append("<th>rows</th></tr>\n");
    for (int a = 0; a < k; a++) {
      h.append("<tr><th class=\"l\">").append(esc(className(a))).append("</th>");
      double total = 0;
      for (int p = 0; p < k; p++) {
        double v = confusion[a][p];
        total += v;
        float t = (float) (v / max);
        Color c = new Color(1f - 0.85f * t, 1f - 0.6f * t, 1f - 0.25f * t);
        h.append("<td").append(a == p ? " class=\"diag\"" : "")
            .append(String.format(Locale.ROOT, " style=\"background:#%02x%02x%02x;color:%s\"", c.getRed(),
                c.getGreen(), c.getBlue(), t > 0.55f ? "#fff" : "#222"))
            .append(" data-actual=\"").append(a).append("\" data-predicted=\"").append(p).append("\">")
            .append(count(v)).append("</td>");
      }
      h.append("<td>").append(count(total)).append("</td></tr>\n");
    }
    h.append("</table></div>\n<p class=\"note\">Rows: actual class; columns: predicted class; "
        + "the shade grows with the count (largest: ").append(count(max)).append(").</p>\n");
    return h.toString();
  }

  /** A (weighted) count: as an integer when it is one. */
  private static String count(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private String className(int i) {
    return classes != null && i < classes.length ? classes[i] : String.valueOf(i);
  }

  /** The new model on the test data: the metrics, and per class (or label) precision, recall, F1. */
  private String testHtml() {
    StringBuilder h = new StringBuilder("<h2>Test metrics</h2>\n<table id=\"test-metrics\"><tr>"
        + "<th class=\"l\">metric</th><th>test</th></tr>");
    metricRow(h, "rows", testMetrics.rows(), null);
    if (testMetrics.skippedRows() > 0) {
      metricRow(h, "skipped rows", testMetrics.skippedRows(), null);
    }
    for (String key : new String[] {"loss", "accuracy", "macro_f1", "roc_auc", "pr_auc", "hamming_accuracy", "rmse", "mae",
        "r2"}) {
      double v = metricValue(testMetrics, key);
      if (!Double.isNaN(v)) {
        metricRow(h, key, v, null);
      }
    }
    h.append("</table>\n");
    if (!testMetrics.perClass().isEmpty()) {
      h.append("<div class=\"scroll\"><table id=\"test-per-class\"><tr><th class=\"l\">")
          .append(testMetrics.task() == Task.MULTILABEL ? "label" : "class")
          .append("</th><th>precision</th><th>recall</th><th>F1</th><th>rows</th></tr>");
      for (ClassMetrics c : testMetrics.perClass()) {
        h.append("<tr><td class=\"l\">").append(esc(c.name())).append("</td><td>").append(num(c.precision()))
            .append("</td><td>").append(num(c.recall())).append("</td><td>").append(num(c.f1())).append("</td><td>")
            .append(c.support()).append("</td></tr>");
      }
      h.append("</table></div>\n");
    }
    return h.toString();
  }

  private JFreeChart residualChart() {
    XYSeries points = new XYSeries("validation rows");
    for (double[] ap : residuals) {
      points.add(ap[1], ap[0] - ap[1]);
    }
    XYSeriesCollection data = new XYSeriesCollection(points);
    NumberAxis x = new NumberAxis("predicted");
    x.setAutoRangeIncludesZero(false);
    NumberAxis y = new NumberAxis("actual − predicted");
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
    renderer.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-1.5, -1.5, 3, 3));
    renderer.setSeriesPaint(0, new Color(40, 90, 170, 120));
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return new JFreeChart("Residuals of the first output", JFreeChart.DEFAULT_TITLE_FONT, plot, false);
  }

  private String driftHtml() {
    StringBuilder h = new StringBuilder();
    List<DriftReport.FeatureDrift> features = drift.features();
    h.append("<p id=\"drift\">").append(features.isEmpty() ? "No feature moved beyond the thresholds" :
        drift.driftedFeatures() + " feature(s) moved beyond the thresholds").append(" (")
        .append(esc(drift.thresholds())).append(").</p>\n");
    if (!features.isEmpty()) {
      h.append("<table><tr><th class=\"l\">feature</th><th>mean before</th><th>mean now</th><th>shift (σ)</th>"
          + "<th>std before</th><th>std now</th></tr>");
      for (DriftReport.FeatureDrift f : features) {
        h.append("<tr><td class=\"l\">").append(esc(f.name())).append("</td><td>")
            .append(num(f.oldMean())).append("</td><td>").append(num(f.newMean())).append("</td><td>")
            .append(num(f.meanShiftInStd())).append("</td><td>").append(num(f.oldStd()))
            .append("</td><td>").append(num(f.newStd())).append("</td></tr>");
      }
      h.append("</table>\n");
    }
    DriftReport.LabelDrift l = drift.labels();
    if (l != null) {
      h.append("<p id=\"label-drift\">Label distribution: total variation distance ")
          .append(num(l.totalVariation())).append(l.drifted() ? " — changed" : " — stable")
          .append(".</p>\n");
    }
    return h.toString();
  }

  static String img(String id, JFreeChart chart) {
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    chart.setBackgroundPaint(Color.WHITE);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(png, chart, 760, 400);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render the " + id + " chart", e);
    }
    return "<img id=\"" + id + "\" alt=\"" + id + "\" src=\"data:image/png;base64,"
        + Base64.getEncoder().encodeToString(png.toByteArray()) + "\">\n";
  }

  static String num(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double || v instanceof Float) {
      return num(((Number) v).doubleValue());
    }
    return esc(String.valueOf(v));
  }

  /**
   * A measured value for a table: 4 decimals (0.8953), thousands grouped from 1000 on
   * (12,345.6), and below 0.01 four significant digits (0.005000, 1.000e-05) so that a small
   * learning rate or loss never shows as 0.0000. NaN is empty.
   */
  static String num(double d) {
    if (Double.isNaN(d)) {
      return "";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "∞" : "−∞";
    }
    double a = Math.abs(d);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.1f", d);
    }
    if (a != 0 && a < 0.01) {
      return String.format(Locale.ROOT, "%.4g", d);
    }
    return String.format(Locale.ROOT, "%.4f", d);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
