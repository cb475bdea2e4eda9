package io.sparkdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.results.Json;
import io.sparkdnn.results.LearningRateRange;
import io.sparkdnn.scoring.PermutationImportanceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dnn importance} and {@code dnn lr-find} on small synthetic data (PermutationImportanceTest's:
 * x0, x1, x2 carry the label, x3..x7 are noise): what they print and write, that they refuse to
 * replace results, and one-line errors for settings that cannot work.
 */
class InsightCommandsTest {
  @TempDir static Path dir;
  static String data;
  static String model;
  static final String FEATURES = "data.features=[x0,x1,x2,x3,x4,x5,x6,x7]";

  @BeforeAll
  static void trainAModel() {
    data = dir.resolve("synthetic.parquet").toString();
    PermutationImportanceTest.data(4000, 21, false).write().parquet(data);
    model = dir.resolve("model").toString();
    Cli train = Cli.run("train", "--set", "data.train.path=" + data, "--set", FEATURES, "--set", "data.label=y",
        "--set", "network.layers=8-16relu-2softmax", "--set", "training.epochs=15", "--set", "training.optimizer.learning-rate=0.01", "--set", "model.path=" + model);
    assertEquals(0, train.status, train.toString());
  }

  @Test
  void importancePrintsTheRankingAndWritesItsFilesOnce() throws Exception {
    Path out = dir.resolve("importance");
    Cli run = Cli.run("importance", "--model", model, "--input", data, "--output", out.toString());
    assertEquals(0, run.status, run.toString());
    String[] lines = run.out.split("\n");
    assertTrue(lines[0].startsWith("permutation importance: accuracy drop on 4,000 rows, baseline 0.9"), lines[0]);
    assertTrue(lines[2].matches("\\s+1\\s+x0\\s+.*"), "x0 ranks first: " + run.out);
    assertTrue(run.out.contains("written to " + out), run.out);
    for (String file : new String[] {"importance.json", "importance.csv", "report.html"}) {
      assertTrue(Files.size(out.resolve(file)) > 0, file);
    }
    try (java.util.stream.Stream<Path> files = Files.list(out)) {
      assertEquals(List.of("_spark-dnn.json", "importance.csv", "importance.json", "report.html"),
          files.map(f -> f.getFileName().toString()).sorted().toList(), "the results and the marker, no .crc");
    }
    assertTrue(Files.readString(out.resolve("importance.csv")).startsWith("rank,name,slots,mean,std,min,max\n1,x0,1,"));

    Cli again = Cli.run("importance", "--model", model, "--input", data, "--output", out.toString());
    assertEquals(1, again.status, again.toString());
    assertEquals("error: importance.output " + out + " already exists; set importance.overwrite = true or choose "
        + "another path", again.err.trim());
    Cli replaced = Cli.run("importance", "--model", model, "--input", data, "--output", out.toString(), "--overwrite",
        "--set", "importance.repeats=1");
    assertEquals(0, replaced.status, replaced.toString());
    assertTrue(Files.readString(out.resolve("importance.json")).contains("\"repeats\" : 1"));
  }

  /**
   * A directory the command did not write is refused before anything runs, also with --overwrite,
   * and every file in it stays as it was: a user's files are neither mixed with the results nor
   * replaced by them, nor one command's output by another's.
   */
  @Test
  void aRefusedOutputLeavesEveryOldFileAsItWas() throws Exception {
    for (String command : new String[] {"importance", "lr-find"}) {
      Path out = dir.resolve("kept-" + command);
      Files.createDirectories(out.resolve("report.html"));
      List<String> names = command.equals("importance") ? List.of("importance.json", "importance.csv")
          : List.of("lr-find.csv", "lr-find.json");
      for (String name : names) {
        Files.writeString(out.resolve(name), "old " + name);
      }
      Cli run = command.equals("importance")
          ? Cli.run("importance", "--model", model, "--input", data, "--output", out.toString(), "--overwrite")
          : Cli.run("lr-find", "--set", "data.train.path=" + data, "--set", FEATURES, "--set", "data.label=y",
              "--set", "network.layers=8-16relu-2softmax", "--output", out.toString(), "--overwrite");
      assertEquals(1, run.status, run.toString());
      assertEquals("error: " + command + ".output " + out + " is not the output of spark-dnn " + command + " (it has "
          + "no _spark-dnn.json, which spark-dnn writes into every output directory); spark-dnn replaces only what it "
          + "wrote, even with " + command + ".overwrite = true: choose another path, or move that one away yourself",
          run.err.trim());
      for (String name : names) {
        assertEquals("old " + name, Files.readString(out.resolve(name)), command + ": " + name + " untouched");
      }
      try (java.util.stream.Stream<Path> left = Files.list(out)) {
        assertEquals(3, left.count(), command + ": nothing added");
      }
      try (java.util.stream.Stream<Path> beside = Files.list(dir)) {
        assertTrue(beside.noneMatch(f -> f.getFileName().toString().contains(".staging-")), "no staging directory");
      }
    }
    // one command's output is not another's to replace, although both write a report.html
    Path importance = dir.resolve("importance-output");
    assertEquals(0, Cli.run("importance", "--model", model, "--input", data, "--output", importance.toString(),
        "--set", "importance.repeats=1").status);
    Cli lrFind = Cli.run("lr-find", "--set", "data.train.path=" + data, "--set", FEATURES, "--set", "data.label=y",
        "--set", "network.layers=8-16relu-2softmax", "--output", importance.toString(), "--overwrite");
    assertEquals(1, lrFind.status, lrFind.toString());
    assertTrue(lrFind.err.contains("its _spark-dnn.json says it holds spark-dnn importance, not lr-find"), lrFind.err);
    assertTrue(Files.readString(importance.resolve("report.html")).contains("importance"), "importance's report kept");
  }

  @Test
  void settingsThatCannotWorkAreOneLineErrors() {
    Cli rmse = Cli.run("importance", "--model", model, "--input", data, "--set", "importance.metric=rmse");
    assertEquals(1, rmse.status, rmse.toString());
    assertEquals("error: importance.metric = rmse does not apply to a multiclass model; use accuracy or loss (or "
        + "auto)", rmse.err.trim());
    Cli repeats = Cli.run("importance", "--model", model, "--input", data, "--set", "importance.repeats=0");
    assertEquals(1, repeats.status);
    assertTrue(repeats.err.startsWith("error: importance.repeats must be between 1 and 1000, found 0"), repeats.err);
    Cli noModel = Cli.run("importance", "--input", data);
    assertEquals(1, noModel.status);
    assertTrue(noModel.err.startsWith("error: importance.model is not set; give a model directory"), noModel.err);
    Cli lbfgs = Cli.run("lr-find", "--set", "data.train.path=" + data, "--set", FEATURES, "--set", "data.label=y",
        "--set", "network.layers=8-16relu-2softmax", "--set", "training.optimizer.name=lbfgs",
        "--set", "training.mode=sync");
    assertEquals(1, lbfgs.status);
    assertTrue(lbfgs.err.startsWith("error: lr-find needs a step-size optimizer"), lbfgs.err);
    Cli range = Cli.run("lr-find", "--set", "data.train.path=" + data, "--set", FEATURES, "--set", "data.label=y",
        "--set", "network.layers=8-16relu-2softmax", "--set", "lr-find.min-rate=1", "--set", "lr-find.max-rate=0.1");
    assertEquals(1, range.status);
    assertTrue(range.err.startsWith("error: lr-find.max-rate (0.1) must be larger than lr-find.min-rate (1.0)"),
        range.err);
  }

  /** Sync mode: one global step per round; the same seed gives the same curve, another seed another. */
  @Test
  void lrFindInSyncModeIsReproducibleWithASeed() throws Exception {
    LearningRateRange a = lrFind("a", 42);
    LearningRateRange b = lrFind("b", 42);
    LearningRateRange c = lrFind("c", 43);
    assertEquals("sync", a.mode());
    assertEquals(a.points(), b.points());
    assertEquals(a.suggested(), b.suggested());
    assertNotEquals(a.points(), c.points());
    assertTrue(a.points().size() > 20 && a.suggested() > 1e-5 && a.suggested() < 1, a.oneLine());
    assertTrue(a.minLoss() < a.points().get(0).smoothed() * 0.8, "the loss fell: " + a.oneLine());
  }

  private static LearningRateRange lrFind(String name, long seed) throws Exception {
    Path out = dir.resolve("lr-" + name);
    Cli run = Cli.run("lr-find", "--set", "data.train.path=" + data, "--set", FEATURES, "--set", "data.label=y",
        "--set", "network.layers=8-16relu-2softmax", "--set", "training.mode=sync",
        "--set", "training.rounds-per-epoch=10", "--set", "training.seed=" + seed, "--set", "lr-find.steps=60",
        "--set", "lr-find.min-rate=1e-4", "--output", out.toString());
    assertEquals(0, run.status, run.toString());
    assertTrue(run.out.contains("train with it: --set training.optimizer.learning-rate="), run.out);
    return LearningRateRange.fromJson(Json.parse(Files.readString(out.resolve("lr-find.json")), "lr-find.json"));
  }
}
