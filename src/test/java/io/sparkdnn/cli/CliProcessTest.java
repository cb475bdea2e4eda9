package io.sparkdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees on stderr when a run fails on their data: the command line in its own JVM, with
 * the project's log configuration and Spark logging as it does — one {@code error:} line, last, and
 * no stack trace, also when the failure happens inside a Spark task (training, prediction,
 * evaluation) or while writing.
 */
class CliProcessTest {
  @TempDir Path dir;

  @Test
  void failuresInsideSparkTasksAreOneLineWithoutAStackTrace() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path nan = dir.resolve("nan.csv");
    Files.writeString(nan, "f1,f2,label\n1,2,a\nNaN,4,b\n5,6,a\n7,8,b\n");
    Path ragged = dir.resolve("ragged.csv");
    Files.writeString(ragged, "f1,f2,label\n1,2,a\n3,4,b\n5,6,7,a\n7,8,b\n");
    String good = dir.resolve("good.parquet").toString();
    spark.range(0, 200, 1, 2).selectExpr("CAST(id % 2 AS INT) AS label",
        "array(CAST(id AS FLOAT), CAST(id % 7 AS FLOAT), 1F) AS features").coalesce(1).write().parquet(good);
    String narrow = dir.resolve("narrow.parquet").toString();
    spark.range(0, 200, 1, 2).selectExpr("CAST(id % 2 AS INT) AS label",
        "IF(id = 150, array(1F, 2F), array(CAST(id AS FLOAT), 0F, 1F)) AS features").coalesce(1).write()
        .parquet(narrow);
    String unseen = dir.resolve("unseen.parquet").toString();
    spark.range(0, 200, 1, 2).selectExpr("CAST(IF(id = 77, 5, id % 2) AS INT) AS label",
        "array(CAST(id AS FLOAT), 0F, 1F) AS features").coalesce(1).write().parquet(unseen);
    String model = dir.resolve("model").toString();
    Cli trained = Cli.run("train", "--set", "data.train.path=" + good, "--set", "network.layers=3-4relu-2softmax",
        "--set", "training.epochs=1", "--set", "model.path=" + model);
    assertEquals(0, trained.status, trained.toString());
    Path aFile = Files.writeString(dir.resolve("a-file"), "not a directory");
    Path notParquet = Files.writeString(dir.resolve("not.parquet"), "f1,f2,label\n1,2,a\n");
    Path globbed = Files.createDirectories(dir.resolve("globbed"));
    Files.writeString(globbed.resolve("part-1.csv"), "f1,f2,label\n1,2,a\n3,4,b\n");
    Files.writeString(globbed.resolve("part-2.csv"), "f1,f2,label\n5,6,a\n7,x,b\n");
    Path brokenJson = dir.resolve("broken.json");
    Files.writeString(brokenJson, "{\"f1\": 1, \"f2\": 2, \"label\": \"a\"}\n{\"f1\": 3, \"f2\":\n"
        + "{\"f1\": 5, \"f2\": 6, \"label\": \"b\"}\n");

    String csv = "data.train.format=csv";
    List<String> args = new ArrayList<>();
    addCase(args, "train", "--set", "data.train.path=" + nan, "--set", csv, "--set", "data.features=[f1, f2]",
        "--set", "network.layers=2-3relu-2softmax", "--set", "model.path=" + dir.resolve("m1"));
    addCase(args, "train", "--set", "data.train.path=" + ragged, "--set", csv, "--set", "data.features=[f1, f2]",
        "--set", "network.layers=2-3relu-2softmax", "--set", "model.path=" + dir.resolve("m2"));
    addCase(args, "predict", "--set", "predict.model=" + model, "--set", "predict.input.path=" + narrow,
        "--set", "predict.output.path=" + dir.resolve("p1"));
    addCase(args, "evaluate", "--set", "evaluate.model=" + model, "--set", "evaluate.input.path=" + unseen);
    addCase(args, "predict", "--set", "predict.model=" + model, "--set", "predict.input.path=" + good,
        "--set", "predict.output.path=" + aFile.resolve("predictions"));
    addCase(args, "train", "--set", "data.train.path=" + notParquet, "--set", "network.layers=2-3relu-2softmax",
        "--set", "model.path=" + dir.resolve("m3"));
    addCase(args, "train", "--set", "data.train.path=" + brokenJson, "--set", "data.train.format=json",
        "--set", "data.features=[f1, f2]", "--set", "network.layers=2-3relu-2softmax",
        "--set", "model.path=" + dir.resolve("m4"));
    addCase(args, "train", "--set", "data.train.path=" + globbed + "/*.csv", "--set", csv,
        "--set", "data.features=[f1, f2]", "--set", "network.layers=2-3relu-2softmax", "--set",
        "model.path=" + dir.resolve("m5"));
    Path badLibsvm = dir.resolve("bad.libsvm"); // without numFeatures Spark's reader scans it at load
    Files.writeString(badLibsvm, "1 1:0.5 2:1.0\n0 1:0.1 2:x\n1 1:0.3\n");
    addCase(args, "train", "--set", "data.train.path=" + badLibsvm, "--set", "data.train.format=libsvm",
        "--set", "network.layers=2-3relu-2softmax", "--set", "model.path=" + dir.resolve("m6"));
    args.remove(args.size() - 1);

    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(Files.readString(Path.of("target/jvm-flags.txt")).trim().split("\\s+")));
    command.add("-Dlog4j2.configurationFile=conf/log4j2.properties");
    command.add("-Xmx1g");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CliScenarios.class.getName());
    command.addAll(args);
    Path stderr = dir.resolve("stderr.txt");
    Process p = new ProcessBuilder(command).redirectError(stderr.toFile())
        .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the scenarios finish");
    String all = Files.readString(stderr);

    String[] sections = all.split("=== case ");
    assertEquals(10, sections.length, all);
    String skip = "; fix or remove the row, or set data.bad-rows = skip";
    String[][] expected = {
        {"nan.csv", "row 2: column 'f1' is NaN", skip},
        {"ragged.csv", "row 3: the line '5,6,7,a' does not fit the header: it has 4 fields where the header has 3 "
            + "columns", skip},
        {"narrow.parquet", "row 151: column 'features' has 2 values, expected 3", skip},
        {"unseen.parquet", "row 78: column 'label' has label '5', which is not one of the model's classes", skip},
        {"a file stands where a directory is needed at " + aFile + "; choose another path"},
        {"cannot read training data", "not.parquet", "as parquet", "is not a Parquet file",
            "; if the data is in another format, set data.train.format (parquet, csv, json, orc, libsvm)"},
        {"broken.json", "row 2: the line '{\"f1\": 3, \"f2\":' is not one complete JSON object", skip},
        {"globbed/*.csv", "column 'f2' has 'x', which is not a number", skip},
        {"line 2 of ", "bad.libsvm: the value of '2:x' is not a number"}};
    for (int i = 1; i < sections.length; i++) {
      String section = sections[i];
      List<String> lines = new ArrayList<>(List.of(section.split("\n")));
      assertTrue(lines.get(lines.size() - 1).startsWith("=== exit 1"), section);
      List<String> errors = lines.stream().filter(l -> l.startsWith("error: ")).toList();
      assertEquals(1, errors.size(), "one error line in case " + (i - 1) + ":\n" + section);
      assertEquals(errors.get(0), lines.get(lines.size() - 2), "the error line is the last thing said");
      for (String e : expected[i - 1]) {
        assertTrue(errors.get(0).contains(e), "expected '" + e + "' in: " + errors.get(0));
      }
      for (String l : lines) {
        assertFalse(l.matches("\\s+at .*") || l.contains("Exception in task") || l.startsWith("Caused by"),
            "no stack trace in case " + (i - 1) + ":\n" + section);
        // Spark's own ERROR lines about the same failure (e.g. the file writer's "Task attempt …
        // aborted.") only repeat what the error line says.
        assertFalse(l.contains(" ERROR "), "no log line at ERROR in case " + (i - 1) + ":\n" + section);
        // nor the output committer's warnings about the write it aborted
        assertFalse(l.contains("FileOutputCommitter") || l.contains("cancel job group"),
            "no committer or cancel warning in case " + (i - 1) + ":\n" + section);
      }
    }
    try (java.util.stream.Stream<Path> left = Files.list(dir)) {
      List<String> staging = left.map(f -> f.getFileName().toString()).filter(n -> n.contains(".staging-")).toList();
      assertEquals(List.of(), staging, "the failed writes left no staging directory");
    }
  }

  private static void addCase(List<String> args, String... command) {
    args.addAll(List.of(command));
    args.add("--next");
  }
}
