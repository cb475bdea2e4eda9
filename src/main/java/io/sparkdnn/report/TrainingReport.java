package io.sparkdnn.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkdnn.results.DriftReport;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.EvaluationResult;
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
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * report.html for a trained model: one self-contained page (charts are PNGs rendered by
 * JFreeChart and embedded as data URIs) with the promotion decision, the comparison with the
 * production model, learning curves, the confusion matrix or a residual plot, drift, every epoch,
 * the configuration, row counts and timings. The page checks on load that every chart decoded and
 * no script failed, and says so in {@code body[data-rendered]}.
 */
public final class TrainingReport {
  private final Map<String, String> facts = new LinkedHashMap<>();
  private final List<EpochMetrics> epochs = new ArrayList<>();
  private PromotionDecision decision;
  private EvaluationResult newMetrics;
  private EvaluationResult currentMetrics;
  private String currentVersion;
  private long[][] confusion;
  private String[] classes;
  private double[][] residuals;
  private DriftReport drift;
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

  public TrainingReport confusion(long[][] matrix, String[] classes) {
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

  /** Configuration keys and their values. */
  public TrainingReport config(Map<String, String> config) {
    this.config = new LinkedHashMap<>(config);
    return this;
  }

  public String html() {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(facts.getOrDefault("model", "spark-dnn model"))).append(" — training report</title>\n")
        .append("<style>body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
            + "text-align:right}th{background:#f0f0f0}td.l,th.l{text-align:left}.ok{color:#060}.no{color:#a00}"
            + "img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}</style>\n")
        .append("<script>window.__errors=[];window.addEventListener('error',function(e){"
            + "window.__errors.push(e.message||'resource error')},true);</script>\n")
        .append("</head><body data-rendered=\"pending\">\n");
    h.append("<h1>").append(esc(facts.getOrDefault("model", "model"))).append("</h1>\n<table>");
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
      for (String key : new String[] {"loss", "accuracy", "macro_f1", "hamming_accuracy", "rmse", "mae", "r2"}) {
        double mine = metricValue(newMetrics, key);
        if (!Double.isNaN(mine)) {
          metricRow(h, key, mine, currentMetrics == null ? null : metricValue(currentMetrics, key));
        }
      }
      h.append("</table>\n");
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
      h.append("<h2>Confusion matrix (validation)</h2>\n").append(img("confusion", confusionChart()));
    }
    if (residuals != null && residuals.length > 0) {
      h.append("<h2>Residuals (validation)</h2>\n").append(img("residuals", residualChart()));
    }
    if (drift != null) {
      h.append("<h2>Drift against the production model's training data</h2>\n");
      h.append(driftHtml());
    }
    h.append("<h2>Epochs</h2>\n<table id=\"epochs\"><tr>");
    List<String> columns = new ArrayList<>();
    for (EpochMetrics e : epochs) {
      e.toJson().fieldNames().forEachRemaining(k -> {
        if (!columns.contains(k)) {
          columns.add(k);
        }
      });
    }
    for (String c : columns) {
      h.append("<th>").append(esc(c)).append("</th>");
    }
    h.append("</tr>\n");
    for (EpochMetrics e : epochs) {
      JsonNode record = e.toJson();
      h.append("<tr class=\"epoch\" data-epoch=\"").append(e.epoch()).append("\">");
      for (String c : columns) {
        JsonNode v = record.get(c);
        h.append("<td>").append(v == null ? "" : v.isIntegralNumber() ? esc(v.asText()) : num(v.asDouble()))
            .append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n<h2>Configuration</h2>\n<table>");
    config.forEach((k, v) -> h.append("<tr><th class=\"l\">").append(esc(k)).append("</th><td class=\"l\">")
        .append(esc(v)).append("</td></tr>"));
    h.append("</table>\n");
    h.append("<script>window.addEventListener('load',function(){var bad=[];"
        + "document.querySelectorAll('img').forEach(function(i){if(!i.complete||i.naturalWidth===0)bad.push(i.id)});"
        + "var errs=window.__errors;document.body.setAttribute('data-rendered',"
        + "bad.length||errs.length?'broken: '+bad.concat(errs).join(', '):'ok');"
        + "document.body.setAttribute('data-images',document.querySelectorAll('img').length);});</script>\n");
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

  private JFreeChart confusionChart() {
    int k = confusion.length;
    double[][] xyz = new double[3][k * k];
    long max = 1;
    for (long[] row : confusion) {
      for (long v : row) {
        max = Math.max(max, v);
      }
    }
    for (int a = 0; a < k; a++) {
      for (int p = 0; p < k; p++) {
        int i = a * k + p;
        xyz[0][i] = p;
        xyz[1][i] = a;
        xyz[2][i] = confusion[a][p];
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("counts", xyz);
    SymbolAxis x = new SymbolAxis("predicted", classes);
    SymbolAxis y = new SymbolAxis("actual", classes);
    y.setInverted(true);
    XYBlockRenderer renderer = new XYBlockRenderer();
    LookupPaintScale scale = new LookupPaintScale(0, max + 1, Color.WHITE);
    for (int step = 0; step <= 20; step++) {
      float t = step / 20f;
      scale.add(max * t, new Color(1f - 0.85f * t, 1f - 0.6f * t, 1f - 0.25f * t));
    }
    renderer.setPaintScale(scale);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    JFreeChart chart = new JFreeChart("Confusion matrix (rows: actual, columns: predicted)",
        JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    PaintScaleLegend legend = new PaintScaleLegend(scale, new NumberAxis("rows"));
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setMargin(4, 4, 40, 4);
    chart.addSubtitle(legend);
    return chart;
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

  private static String img(String id, JFreeChart chart) {
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

  private static String num(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isNaN(d) ? "" : String.format(Locale.ROOT, Math.abs(d) >= 1000 ? "%,.1f" : "%.4f", d);
    }
    return esc(String.valueOf(v));
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
