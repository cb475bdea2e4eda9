package io.sparkdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdnn.SparkTestSession;
import io.sparkdnn.data.SyntheticData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as users and schedulers see it: files in, files and JSON out, exit codes. */
class CliTest {
  @TempDir static Path dir;
  static String multiclass;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void data() {
    SparkSession spark = SparkTestSession.get();
    multiclass = dir.resolve("multiclass.parquet").toString();
    SyntheticData.multiclass(spark, 3000, 3).write().parquet(multiclass);
  }

  private static Cli trainMulticlass(Path model, String... extra) {
    String[] base = {"train", "--conf", "conf/multiclass.conf",
        "--set", "data.train.path=" + multiclass, "--set", "model.path=" + model,
        "--set", "training.epochs=4", "--set", "training.early-stopping.patience=0"};
    String[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
    return Cli.run(args);
  }

  @Test
  void trainWritesModelMetricsAndSummary() throws IOException {
    Path model = dir.resolve("model-a");
    Cli cli = trainMulticlass(model);
    assertEquals(0, cli.status, cli.toString());
    assertTrue(cli.out.contains("trained 4 epochs"), cli.out);
    assertTrue(cli.out.contains("validation: accuracy"), cli.out);
    List<String> lines = Files.readAllLines(model.resolve("metrics.jsonl"));
    assertEquals(4, lines.size());
    for (int i = 0; i < 4; i++) {
      JsonNode record = JSON.readTree(lines.get(i));
      assertEquals(i + 1, record.get("epoch").asInt());
      for (String key : new String[] {"train_loss", "val_loss", "val_accuracy", "epoch_seconds", "rows_per_second"}) {
        assertTrue(record.has(key), key + " in " + lines.get(i));
      }
    }
    JsonNode metadata = JSON.readTree(model.resolve("metadata.json").toFile());
    assertEquals("20-64relu-32relu-5softmax", metadata.get("network").asText());
    assertEquals("alpha", metadata.at("/labels/classes/0").asText());
    assertEquals("standard", metadata.at("/scaling/mode").asText());
    assertEquals("4", metadata.at("/training/training.epochs").asText());
    assertTrue(metadata.at("/rows/train").asLong() > 2000);
    assertTrue(metadata.at("/versions/spark").asText().startsWith("4."));
    assertTrue(metadata.at("/validation_metrics/accuracy").asDouble() > 0.9);
  }

  @Test
  void evaluatePrintsJsonAndPredictWritesCsvWithIds() throws IOException {
    Path model = dir.resolve("model-b");
    assertEquals(0, trainMulticlass(model).status);

    Path metricsFile = dir.resolve("eval/metrics.json");
    Cli evaluate = Cli.run("evaluate", "--set", "evaluate.model=" + model,
        "--set", "evaluate.input.path=" + multiclass, "--set", "evaluate.output=" + metricsFile);
    assertEquals(0, evaluate.status, evaluate.toString());
    JsonNode metrics = JSON.readTree(evaluate.out);
    assertEquals(3000, metrics.get("rows").asInt());
    assertTrue(metrics.get("accuracy").asDouble() > 0.9);
    assertEquals(5, metrics.get("confusion_matrix").size());
    assertEquals(metrics, JSON.readTree(metricsFile.toFile()));

    // A file already at evaluate.output (the user's, or an earlier run's) is kept unless told.
    Path users = dir.resolve("eval/notes.json");
    Files.writeString(users, "my notes");
    Cli refused = Cli.run("evaluate", "--set", "evaluate.model=" + model,
        "--set", "evaluate.input.path=" + multiclass, "--set", "evaluate.output=" + users);
    assertEquals(1, refused.status, refused.toString());
    assertEquals("error: evaluate.output " + users + " already exists; set evaluate.overwrite = true, or choose "
        + "another path", refused.err.strip());
    assertEquals("my notes", Files.readString(users));
    Cli directory = Cli.run("evaluate", "--set", "evaluate.model=" + model, "--set", "evaluate.input.path="
        + multiclass, "--set", "evaluate.output=" + users.getParent(), "--set", "evaluate.overwrite=true");
    assertEquals("error: evaluate.output " + users.getParent() + " is a directory; give the path of a file to write "
        + "(a new name inside that directory, for example)", directory.err.strip());
    Cli replaced = Cli.run("evaluate", "--set", "evaluate.model=" + model,
        "--set", "evaluate.input.path=" + multiclass, "--set", "evaluate.output=" + users,
        "--set", "evaluate.overwrite=true");
    assertEquals(0, replaced.status, replaced.toString());
    assertEquals(metrics, JSON.readTree(users.toFile()));

    Path out = dir.resolve("predictions.csv");
    Cli predict = Cli.run("predict", "--set", "predict.model=" + model, "--set", "predict.input.path=" + multiclass,
        "--set", "predict.output.path=" + out, "--set", "predict.output.format=csv",
        "--set", "predict.keep-columns=[id, species]");
    assertEquals(0, predict.status, predict.toString());
    List<String> csv;
    try (Stream<Path> parts = Files.list(out)) {
      csv = parts.filter(p -> p.toString().endsWith(".csv"))
          .flatMap(p -> {
            try {
              return Files.readAllLines(p).stream().skip(1);
            } catch (IOException e) {
              throw new RuntimeException(e);
            }
          }).collect(Collectors.toList());
    }
    assertEquals(3000, csv.size());
    String header;
    try (Stream<Path> parts = Files.list(out)) {
      Path first = parts.filter(p -> p.toString().endsWith(".csv")).findFirst().orElseThrow();
      header = Files.readAllLines(first).get(0);
    }
    assertEquals("id,species,prediction,probability_alpha,probability_beta,probability_delta,"
        + "probability_epsilon,probability_gamma", header);
    long right = csv.stream().map(l -> l.split(",")).filter(f -> f[1].equals(f[2])).count();
    assertTrue(right > 0.9 * 3000, right + " right");

    Cli again = Cli.run("predict", "--set", "predict.model=" + model, "--set", "predict.input.path=" + multiclass,
        "--set", "predict.output.path=" + out);
    assertEquals(1, again.status);
    assertTrue(again.err.contains("predict.output.path " + out + " already exists; set predict.overwrite = true"),
        again.err);
  }

  /** Warm start from a compatible model begins where it ended; an incompatible one is refused. */
  @Test
  void warmStart() throws IOException {
    Path first = dir.resolve("warm-1");
    assertEquals(0, trainMulticlass(first).status);
    double endLoss = lastValLoss(first);
    Path second = dir.resolve("warm-2");
    Cli warm = trainMulticlass(second, "--set", "model.warm-start=" + first, "--set", "training.epochs=1");
    assertEquals(0, warm.status, warm.toString());
    Path cold = dir.resolve("cold");
    assertEquals(0, trainMulticlass(cold, "--set", "training.epochs=1").status);
    double warmFirstEpoch = lastValLoss(second);
    double coldFirstEpoch = lastValLoss(cold);
    assertTrue(warmFirstEpoch < coldFirstEpoch, "warm " + warmFirstEpoch + " vs cold " + coldFirstEpoch);
    assertTrue(warmFirstEpoch < 1.5 * endLoss + 0.05, "warm " + warmFirstEpoch + " vs earlier end " + endLoss);

    Cli incompatible = trainMulticlass(dir.resolve("warm-3"), "--set", "model.warm-start=" + first,
        "--set", "network.layers=20-16relu-5softmax");
    assertEquals(1, incompatible.status);
    assertTrue(incompatible.err.contains("cannot warm-start from the model (model.warm-start)"), incompatible.err);
    assertTrue(incompatible.err.contains("its network is 20-64relu-32relu-5softmax, the configured one 20-16relu-5softmax"),
        incompatible.err);
    assertTrue(incompatible.err.strip().endsWith("; train without model.warm-start, or warm-start from a model trained "
        + "with the same network, features and classes"), incompatible.err);
    assertFalse(Files.exists(dir.resolve("warm-3")));

    // a batch without one of the model's text classes warm-starts onto the model's five classes
    SparkSession spark = SparkTestSession.get();
    String subset = dir.resolve("without-delta.parquet").toString();
    spark.read().parquet(multiclass).where("species != 'delta'").write().parquet(subset);
    Path fewer = dir.resolve("warm-4");
    Cli partial = trainMulticlass(fewer, "--set", "model.warm-start=" + first, "--set", "data.train.path=" + subset,
        "--set", "training.epochs=1");
    assertEquals(0, partial.status, partial.toString());
    assertEquals(JSON.readTree(first.resolve("metadata.json").toFile()).get("classes"),
        JSON.readTree(fewer.resolve("metadata.json").toFile()).get("classes"));
    // one that is not the model's is named
    String extra = dir.resolve("with-zeta.parquet").toString();
    spark.read().parquet(multiclass).selectExpr("*", "IF(id % 50 = 0, 'zeta', species) AS zeta").drop("species")
        .withColumnRenamed("zeta", "species").write().parquet(extra);
    Cli unknown = trainMulticlass(dir.resolve("warm-5"), "--set", "model.warm-start=" + first,
        "--set", "data.train.path=" + extra);
    assertEquals(1, unknown.status);
    assertTrue(unknown.err.contains("has 1 label(s) that are none of its classes [alpha, beta, delta, epsilon, gamma]"
        + ": [zeta]; train without model.warm-start, or warm-start from a model trained with the same network,"
        + " features and classes"), unknown.err);
  }

  private static double lastValLoss(Path model) throws IOException {
    List<String> lines = Files.readAllLines(model.resolve("metrics.jsonl"));
    return JSON.readTree(lines.get(lines.size() - 1)).get("val_loss").asDouble();
  }

  /** Every format Spark reads: csv, json, orc and libsvm train as well as parquet. */
  @Test
  void everyInputFormat() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> binary = SyntheticData.binary(spark, 800, 4);
    String csv = dir.resolve("binary.csv").toString();
    binary.write().option("header", "true").csv(csv);
    String json = dir.resolve("binary.json").toString();
    binary.write().json(json);
    String orc = dir.resolve("binary.orc").toString();
    binary.write().orc(orc);
    Path libsvm = dir.resolve("data.libsvm");
    StringBuilder sb = new StringBuilder();
    for (Row r : binary.collectAsList()) {
      sb.append(r.getString(8).equals("yes") ? 1 : 0).append(" 1:").append(r.getDouble(0))
          .append(" 2:").append(r.getDouble(1)).append('\n');
    }
    Files.writeString(libsvm, sb.toString());
    String[][] cases = {
        {csv, "csv", "*", "8-8tanh-1sigmoid"},
        {json, "json", "*", "8-8tanh-1sigmoid"},
        {orc, "orc", "*", "8-8tanh-1sigmoid"},
        {libsvm.toString(), "libsvm", "features", "2-8tanh-1sigmoid"}};
    for (String[] c : cases) {
      Path model = dir.resolve("format-" + c[1]);
      Cli cli = Cli.run("train", "--set", "data.train.path=" + c[0], "--set", "data.train.format=" + c[1],
          "--set", "data.features=" + c[2], "--set", "network.layers=" + c[3], "--set", "training.epochs=8",
          "--set", "data.scaling=standard", "--set", "training.optimizer.learning-rate=0.02",
          "--set", "model.path=" + model);
      assertEquals(0, cli.status, c[1] + ": " + cli);
      double accuracy = JSON.readTree(model.resolve("metadata.json").toFile()).at("/validation_metrics/accuracy").asDouble();
      assertTrue(accuracy > 0.85, c[1] + " accuracy " + accuracy);
    }
  }

  @Test
  void usageAndVersion() {
    Cli help = Cli.run("--help");
    assertEquals(0, help.status);
    assertTrue(help.out.contains("train") && help.out.contains("predict") && help.out.contains("evaluate"));
    Cli version = Cli.run("--version");
    assertTrue(version.out.contains("spark-dnn") && version.out.contains("spark 4."), version.out);
    Cli unknown = Cli.run("fly");
    assertEquals(2, unknown.status, "usage errors exit with 2");
    Cli alone = Cli.run();
    assertEquals(2, alone.status, "no command is a usage error: a script calling dnn alone must not pass");
    assertTrue(alone.err.startsWith("error: no command given; choose one of train, ") && alone.err.contains("rollback"),
        alone.err);
    assertEquals(1, alone.err.strip().split("\n").length, "one line: " + alone.err);
    assertEquals("", alone.out);
  }

  /** Every subcommand takes --help (usage on stdout, exit 0) and --version, as the top command does. */
  @Test
  void everySubcommandPrintsItsUsageOnHelp() {
    java.util.Set<String> names = new picocli.CommandLine(new io.sparkdnn.cli.Main()).getSubcommands().keySet();
    assertTrue(names.containsAll(java.util.List.of("train", "predict", "evaluate", "export", "list", "prune")), names.toString());
    for (String name : names) {
      Cli help = Cli.run(name, "--help");
      assertEquals(0, help.status, name + " --help: " + help);
      assertTrue(help.out.contains("Usage: dnn " + name), name + " --help: " + help.out);
      assertTrue(help.out.contains("--set"), name + " --help lists the common options: " + help.out);
    }
    Cli version = Cli.run("train", "--version");
    assertEquals(0, version.status);
    assertTrue(version.out.contains("spark-dnn"), version.out);
  }

  /** A mistyped command or option is one error line (exit 2), not picocli's message and the whole usage. */
  @Test
  void aMistypedCommandOrOptionIsOneLine() {
    Cli typo = Cli.run("trian", "--conf", "x.conf");
    assertEquals(2, typo.status, typo.toString());
    assertEquals(1, typo.err.strip().split("\n").length, typo.err);
    assertTrue(typo.err.startsWith("error: unknown command 'trian'; did you mean train"), typo.err);
    assertTrue(typo.err.contains("did you mean train"), typo.err);
    assertTrue(typo.err.contains("(dnn --help lists the commands)"), typo.err);
    Cli option = Cli.run("train", "--model-path", "foo");
    assertEquals(2, option.status, option.toString());
    assertEquals(1, option.err.strip().split("\n").length, option.err);
    assertTrue(option.err.startsWith("error: unknown options: '--model-path', 'foo'"), option.err);
    assertTrue(option.err.contains("(dnn train --help lists the options)"), option.err);
    assertEquals("", typo.out + option.out, "no usage text");
    Cli word = Cli.run("train", "conf/iris.conf");
    assertEquals(2, word.status, word.toString());
    assertTrue(word.err.startsWith("error: unexpected argument 'conf/iris.conf': dnn train takes no such argument "
        + "(settings are given as --set key=value) (dnn train --help lists the options)"), word.err);
    Cli swapped = Cli.run("train", "--cnof", "x.conf");
    assertEquals(2, swapped.status, swapped.toString());
    assertTrue(swapped.err.contains("did you mean --conf?"), swapped.err);
    Cli noEquals = Cli.run("train", "--set", "training.epochs");
    assertEquals(2, noEquals.status, noEquals.toString());
    assertEquals(1, noEquals.err.strip().split("\n").length, noEquals.err);
    assertTrue(noEquals.err.contains("expected KEY=VALUE, e.g. --set training.epochs=5, found 'training.epochs'"),
        noEquals.err);
  }
}
