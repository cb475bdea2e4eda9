package io.sparkdnn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.cli.Cli;
import io.sparkdnn.data.FashionMnist;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.report.Chromium;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.results.Json;
import io.sparkdnn.results.LearningRateRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learning-rate range test and permutation importance on Fashion-MNIST (Debian's
 * dataset-fashion-mnist, prepared to parquet here), through the command line as a user runs them.
 */
class FashionMnistInsightTest {
  @TempDir static Path dir;
  static String train;
  static String test;

  @BeforeAll
  static void prepare() {
    FashionMnist.prepare(SparkTestSession.get(), Path.of("/usr/share/datasets/fashion-mnist"),
        dir.resolve("fm").toString());
    train = dir.resolve("fm/train.parquet").toString();
    test = dir.resolve("fm/test.parquet").toString();
  }

  /**
   * {@code dnn lr-find} with conf/fashion-mnist.conf suggests a rate; {@code dnn train} with
   * lr-find.in-training runs the same test first — the same points: the seed reproduces it — and
   * trains 10 epochs (the conf's Adam, batch 128, cosine schedule) with the suggested rate to ≥ 0.88
   * test accuracy. The same run computes importance (a small sample, one shuffle: the report is
   * what is checked here), and both pages render in headless Chromium with both sections.
   */
  @Test
  void theSuggestedRateTrainsTo088InTenEpochs() throws Exception {
    Path lrDir = dir.resolve("lr-find");
    Cli find = cli("lr-find", job("--output", lrDir.toString()));
    assertEquals(0, find.status, find.toString());
    assertTrue(find.out.startsWith("lr-find: suggested learning rate "), find.out);
    LearningRateRange range = LearningRateRange.fromJson(Json.parse(Files.readString(lrDir.resolve("lr-find.json")),
        "lr-find.json"));
    assertTrue(range.points().size() > 50, "steps before divergence: " + range.points().size());
    assertTrue(range.stopReason().startsWith("stopped at"), "the test ran into divergence: " + range.stopReason());
    assertTrue(range.suggested() > 1e-4 && range.suggested() < 0.1, "suggested " + range.suggested());
    assertTrue(Files.readString(lrDir.resolve("lr-find.csv")).startsWith("step,learning_rate,loss,smoothed_loss\n0,"));
    String lrPage = Chromium.dom(lrDir.resolve("report.html"), dir);
    assertEquals("ok", Chromium.bodyAttribute(lrPage, "data-rendered"));
    assertTrue(lrPage.contains("id=\"lr-find\"") && lrPage.contains("id=\"lr-suggestion\""));

    Path modelDir = dir.resolve("model");
    Cli trained = cli("train", job("--set", "model.path=" + modelDir, "--set", "training.epochs=10",
        "--set", "lr-find.in-training=true", "--set", "importance.in-training=true",
        "--set", "importance.max-rows=2000", "--set", "importance.repeats=1"));
    assertEquals(0, trained.status, trained.toString());
    LearningRateRange again = LearningRateRange.fromJson(Json.parse(
        Files.readString(modelDir.resolve("lr-find.json")), "lr-find.json"));
    assertEquals(range.points(), again.points(), "the same seed, the same range test");
    assertEquals(range.suggested(), again.suggested());
    DnnModel model = ModelReader.read(modelDir.toString(), new Configuration(), "model");
    assertEquals(Double.toString(range.suggested()),
        model.record().configuration().get("training.optimizer.learning-rate"), "trained with the suggested rate");
    double accuracy = model.record().testMetrics().accuracy();
    System.out.printf("lr-find on Fashion-MNIST: suggested %.4g (%d steps, %s, %.1f s); 10 epochs: test accuracy "
        + "%.4f%n", range.suggested(), range.points().size(), range.stopReason(), range.seconds(), accuracy);
    assertTrue(accuracy >= 0.88, "test accuracy " + accuracy + " after 10 epochs at " + range.suggested());

    String dom = Chromium.dom(modelDir.resolve("report.html"), dir);
    assertEquals("ok", Chromium.bodyAttribute(dom, "data-rendered"));
    for (String id : List.of("lr-find", "lr-suggestion", "importance", "importance-map", "importance-table", "loss",
        "epochs")) {
      assertTrue(dom.contains("id=\"" + id + "\""), id + " in report.html");
    }
    int window = Integer.parseInt(Chromium.bodyAttribute(dom, "data-window-width"));
    int page = Integer.parseInt(Chromium.bodyAttribute(dom, "data-page-width"));
    assertTrue(page <= window, "page " + page + " px in a " + window + "-px window");
    assertTrue(Files.exists(modelDir.resolve("importance.json")) && Files.exists(modelDir.resolve("importance.csv")));
  }

  /**
   * {@code dnn importance} of all 784 pixels, on 5000 test images, 3 shuffles each, with the loss
   * as the metric (an accuracy drop counts whole flipped predictions: for one pixel among 784
   * redundant ones it is at the noise level, ±1/rows). The model is small (784-64-10, 4 epochs,
   * 0.85 test accuracy) and sees the pixels as they are in [0, 1] (data.scaling = auto): the test
   * is about importance, and standardising per pixel would magnify pixels that are almost always 0.
   *
   * <p>What Fashion-MNIST shows: the pixels of the left and right borders (columns 0, 1, 26, 27),
   * background in all but the widest items, carry nothing — their importance averages to 0 within
   * the noise and none is among the 100 most important, and they rank below the centre of the
   * image. The top and bottom rows are not background in this data set (garments reach them:
   * collars and shoulders, trouser legs and soles) and rank with the interior, so they are not
   * asserted to rank last.
   */
  @Test
  void theLeftAndRightBorderPixelsRankLast() throws Exception {
    Path modelDir = dir.resolve("small");
    Cli trained = cli("train", job("--set", "model.path=" + modelDir, "--set", "network.layers=784-64relu-10softmax",
        "--set", "data.scaling=auto", "--set", "training.epochs=4", "--set", "training.schedule.name=constant"));
    assertEquals(0, trained.status, trained.toString());
    Path out = dir.resolve("importance");
    Cli importance = Cli.run("importance", "--model", modelDir.toString(), "--input", test, "--output", out.toString(),
        "--set", "importance.metric=loss", "--set", "importance.max-rows=5000", "--set", "importance.repeats=3");
    assertEquals(0, importance.status, importance.toString());
    assertTrue(importance.out.startsWith("permutation importance: loss increase on "), importance.out);
    FeatureImportance fi = FeatureImportance.fromJson(Json.parse(Files.readString(out.resolve("importance.json")),
        "importance.json"));
    assertEquals(784, fi.units().size());
    assertEquals(3, fi.repeats());
    double[] byPixel = new double[784];
    int[] rank = new int[784];
    for (int i = 0; i < fi.units().size(); i++) {
      int p = fi.units().get(i).slots()[0];
      assertEquals("features[" + p + "]", fi.units().get(i).name());
      byPixel[p] = fi.units().get(i).mean();
      rank[p] = i + 1;
    }
    List<Integer> side = new ArrayList<>();
    List<Integer> centre = new ArrayList<>();
    for (int p = 0; p < 784; p++) {
      int row = p / 28;
      int col = p % 28;
      if (col <= 1 || col >= 26) {
        side.add(p);
      } else if (row >= 4 && row <= 23 && col >= 4 && col <= 23) {
        centre.add(p);
      }
    }
    double sideMean = side.stream().mapToDouble(p -> byPixel[p]).average().orElseThrow();
    double centreMean = centre.stream().mapToDouble(p -> byPixel[p]).average().orElseThrow();
    double sideMedianRank = median(side.stream().mapToDouble(p -> rank[p]).toArray());
    double centreMedianRank = median(centre.stream().mapToDouble(p -> rank[p]).toArray());
    long sideInTop100 = side.stream().filter(p -> rank[p] <= 100).count();
    System.out.printf("importance on Fashion-MNIST (%d rows, %.1f s): left/right border mean %.2e, median rank %.0f, "
        + "%d in the top 100; centre mean %.2e, median rank %.0f%n", fi.rows(), fi.seconds(), sideMean, sideMedianRank,
        sideInTop100, centreMean, centreMedianRank);
    assertTrue(Math.abs(sideMean) < 1.2e-4, "left/right border mean " + sideMean);
    assertTrue(centreMean > 2e-4 && centreMean > 2.5 * Math.abs(sideMean), "centre mean " + centreMean);
    assertEquals(0, sideInTop100, "left/right border pixels among the 100 most important");
    assertTrue(sideMedianRank > centreMedianRank + 100, "median ranks: border " + sideMedianRank + ", centre "
        + centreMedianRank);

    String dom = Chromium.dom(out.resolve("report.html"), dir);
    assertEquals("ok", Chromium.bodyAttribute(dom, "data-rendered"));
    assertTrue(dom.contains("id=\"importance-map\"") && dom.contains("id=\"importance-table\""));
    assertEquals("", Chromium.bodyAttribute(dom, "data-scrolled-tables"));
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private static List<String> job(String... more) {
    List<String> args = new ArrayList<>(List.of("--conf", "conf/fashion-mnist.conf", "--set",
        "data.train.path=" + train, "--set", "data.test.path=" + test));
    args.addAll(Arrays.asList(more));
    return args;
  }

  private static Cli cli(String command, List<String> args) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(args);
    return Cli.run(all.toArray(new String[0]));
  }
}
