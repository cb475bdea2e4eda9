package io.sparkdnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.engine.Task;
import io.sparkdnn.results.ClassMetrics;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.results.LearningRateRange;
import io.sparkdnn.results.MetricName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html on its own (no Spark): widest tables at 1280 px, confusion counts, test metrics, number formats. */
class TrainingReportTest {
  @TempDir Path dir;

  /**
   * The widest epochs table there is — regression (RMSE, MAE, R²), retries, hundreds of
   * epochs, six-digit speeds — and a long path in the facts and configuration: in a 1280-px
   * window the page is no wider than the window and no table needs its scroll box.
   */
  @Test
  void theWidestReportFitsA1280PixelWindow() throws Exception {
    List<EpochMetrics> epochs = new ArrayList<>();
    for (int e = 1; e <= 300; e++) {
      epochs.add(new EpochMetrics(e, 300, 1_234_567, 1234.56789 / e, Double.NaN, 2345.6789 / e, Double.NaN,
          123.456789 / e, 98.7654321 / e, 1 - 1.0 / e, 0.1 * Math.pow(0.97, e), 12.3456, 13.4567, 13.4567 * e,
          0, e / 100));
    }
    Map<String, String> config = new LinkedHashMap<>();
    config.put("data.train.path", "hdfs://namenode.example.com:8020/warehouse/" + "very-long-directory-name/".repeat(12)
        + "part-00000.parquet");
    config.put("network.layers", "300-512relu+dropout0.2-256relu-128relu-64relu-32relu-16relu-8relu-4identity");
    String html = new TrainingReport()
        .fact("model", "/models/" + "a-long-model-name-".repeat(10) + "/v000001-20261127T020000Z")
        .fact("network", config.get("network.layers"))
        .epochs(epochs)
        .testMetrics(new EvaluationResult(Task.REGRESSION, 100_000, 100_000, 0.25, Double.NaN, Double.NaN, Double.NaN,
            List.of(), List.of(), new double[0][0], 2.5, 1.75, 0.85, Double.NaN, Double.NaN, 0, -1))
        .config(config)
        .html();
    Path page = dir.resolve("report.html");
    Files.writeString(page, html);
    String dom = Chromium.dom(page, dir);
    assertEquals("ok", Chromium.bodyAttribute(dom, "data-rendered"));
    int window = Integer.parseInt(Chromium.bodyAttribute(dom, "data-window-width"));
    int pageWidth = Integer.parseInt(Chromium.bodyAttribute(dom, "data-page-width"));
    assertTrue(window > 1200 && window <= Chromium.WINDOW_WIDTH, "window " + window);
    assertTrue(pageWidth <= window, "page " + pageWidth + " px in a " + window + "-px window");
    assertEquals("", Chromium.bodyAttribute(dom, "data-scrolled-tables"), "no table needs its scroll box");
    String header = dom.substring(dom.indexOf("<table id=\"epochs\">"), dom.indexOf("</tr>", dom.indexOf("<table id=\"epochs\">")));
    for (String column : List.of("epoch", "train loss", "val loss", "val RMSE", "val MAE", "val R²", "learning rate",
        "seconds", "rows / s", "retries")) {
      assertTrue(header.contains(">" + column + "</th>"), column + " in " + header);
    }
    assertFalse(header.contains("accuracy"), "no accuracy column for regression: " + header);
    assertTrue(dom.contains("<table id=\"test-metrics\">"));
    assertTrue(dom.contains("<td class=\"l\">rmse</td><td>2.5000</td>"), "test RMSE");
  }

  /**
   * A 10-class confusion matrix: every cell holds its count, the diagonal is marked, each row
   * ends with its total; a test-metrics section lists every class.
   */
  @Test
  void theConfusionHeatMapHasItsCounts() throws Exception {
    int k = 10;
    long[][] counts = new long[k][k];
    String[] classes = new String[k];
    List<ClassMetrics> perClass = new ArrayList<>();
    for (int a = 0; a < k; a++) {
      classes[a] = "class-" + a;
      for (int p = 0; p < k; p++) {
        counts[a][p] = a == p ? 900 + a : (a * 7 + p * 3) % 11;
      }
      perClass.add(ClassMetrics.of(classes[a], counts[a][a], 5, 5));
    }
    EvaluationResult test = new EvaluationResult(Task.MULTICLASS, 10_000, 10_000, 0.31, 0.9123, 0.9, Double.NaN,
        perClass, List.of(classes), doubles(counts), Double.NaN, Double.NaN, Double.NaN, 0.97, 0.93, 3, -1);
    String html = new TrainingReport().fact("model", "m").confusion(doubles(counts), classes).testMetrics(test)
        .html();
    Path page = dir.resolve("confusion.html");
    Files.writeString(page, html);
    String dom = Chromium.dom(page, dir);
    assertEquals("ok", Chromium.bodyAttribute(dom, "data-rendered"));
    assertEquals("", Chromium.bodyAttribute(dom, "data-scrolled-tables"));
    for (int a = 0; a < k; a++) {
      long total = 0;
      for (int p = 0; p < k; p++) {
        Matcher cell = Pattern.compile("<td( class=\"diag\")? style=\"[^\"]*\" data-actual=\"" + a + "\" data-predicted=\""
            + p + "\">(\\d+)</td>").matcher(dom);
        assertTrue(cell.find(), "cell " + a + "," + p);
        assertEquals(counts[a][p], Long.parseLong(cell.group(2)));
        assertEquals(a == p, cell.group(1) != null, "diagonal marked");
        total += counts[a][p];
      }
      assertTrue(dom.contains("data-predicted=\"" + (k - 1) + "\">" + counts[a][k - 1] + "</td><td>" + total + "</td></tr>"),
          "row " + a + " total " + total);
    }
    assertTrue(dom.contains("<td class=\"l\">accuracy</td><td>0.9123</td>"));
    assertTrue(dom.contains("<td class=\"l\">skipped rows</td><td>3</td>"));
    for (String c : classes) {
      assertTrue(dom.contains("<td class=\"l\">" + c + "</td>"), c + " in the per-class table");
    }
  }

  /** Small values keep four significant digits instead of rounding to 0.0000. */
  @Test
  void smallValuesShowTheirSignificantDigits() {
    assertEquals("0.8953", TrainingReport.num(0.89531));
    assertEquals("0.0100", TrainingReport.num(0.01));
    assertEquals("0.005000", TrainingReport.num(0.005));
    assertEquals("0.0001235", TrainingReport.num(0.00012345));
    assertEquals("3.750e-07", TrainingReport.num(3.75e-7));
    assertEquals("-1.000e-05", TrainingReport.num(-1e-5));
    assertEquals("0.0000", TrainingReport.num(0));
    assertEquals("12,345.7", TrainingReport.num(12345.67));
    assertEquals("", TrainingReport.num(Double.NaN));
  }

  private static double[][] doubles(long[][] counts) {
    double[][] d = new double[counts.length][];
    for (int i = 0; i < counts.length; i++) {
      d[i] = java.util.Arrays.stream(counts[i]).asDoubleStream().toArray();
    }
    return d;
  }

  /**
   * The importance section (784 single-pixel units: chart, map and a table cut to the top 25 and
   * bottom 5; one very long unit name) and the range test's chart and facts render without errors and
   * fit a 1280-px window, without the training sections.
   */
  @Test
  void importanceAndRangeTestSectionsRender() throws Exception {
    List<FeatureImportance.Unit> units = new ArrayList<>();
    for (int p = 0; p < 784; p++) {
      double centre = Math.exp(-(Math.pow(p / 28 - 13.5, 2) + Math.pow(p % 28 - 13.5, 2)) / 50);
      String name = p == 406 ? "a_very_long_source_column_name_from_a_warehouse_table_".repeat(3) : "features[" + p + "]";
      units.add(new FeatureImportance.Unit(name, new int[] {p}, new double[] {centre * 0.01, centre * 0.012,
          centre * 0.008}));
    }
    units.sort(java.util.Comparator.comparingDouble(FeatureImportance.Unit::mean).reversed());
    FeatureImportance fi = new FeatureImportance(MetricName.LOSS, 0.31, 5000, 3, 42, "one unit per slot", 2, 8.5,
        units);
    List<LearningRateRange.Point> points = new ArrayList<>();
    double smoothed = 2.3;
    for (int s = 0; s < 150; s++) {
      double rate = 1e-6 * Math.pow(1e7, s / 199.0);
      double loss = s < 110 ? 2.3 - 1.9 * s / 110 : 0.4 + 0.2 * (s - 110);
      smoothed = 0.9 * smoothed + 0.1 * loss;
      points.add(new LearningRateRange.Point(s, rate, loss, smoothed));
    }
    LearningRateRange range = new LearningRateRange(points, 6.8e-4, 6.8e-3, 0.62, 2.3e-4,
        "stopped at 0.107: the loss turned NaN or infinite at the next step", 1e-6, 10, 200, 0.9, 4, 42, "local", 128,
        1.7);
    String html = new TrainingReport().title("Insight").fact("data", "d").importance(fi).rangeTest(range).html();
    Path page = dir.resolve("insight.html");
    Files.writeString(page, html);
    String dom = Chromium.dom(page, dir);
    assertEquals("ok", Chromium.bodyAttribute(dom, "data-rendered"));
    assertEquals("3", Chromium.bodyAttribute(dom, "data-images"), "importance chart, importance map, range chart");
    int window = Integer.parseInt(Chromium.bodyAttribute(dom, "data-window-width"));
    assertTrue(Integer.parseInt(Chromium.bodyAttribute(dom, "data-page-width")) <= window);
    assertEquals("", Chromium.bodyAttribute(dom, "data-scrolled-tables"));
    Matcher rows = Pattern.compile("<tr class=\"unit\" data-rank=\"(\\d+)\">").matcher(dom);
    List<Integer> ranks = new ArrayList<>();
    while (rows.find()) {
      ranks.add(Integer.parseInt(rows.group(1)));
    }
    assertEquals(30, ranks.size(), "top 25 and bottom 5");
    assertEquals(1, ranks.get(0));
    assertEquals(784, ranks.get(29));
    assertTrue(dom.contains("… 754 more"));
    assertTrue(dom.contains("Suggested learning rate <b>0.000680</b>"), "suggestion shown");
    assertFalse(dom.contains("<h2>Epochs</h2>") || dom.contains("<h2>Configuration</h2>"), "no empty sections");
  }
}
