package io.sparkdnn.cli;

import static io.sparkdnn.cli.BadInputTest.assertOneErrorLine;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdnn.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kinds of trouble CSV and other text input brings, each refused in one line that says what and
 * where (the file, the column, the row), or — where a user can ask for it — skipped and counted.
 */
class TextInputTest {
  @TempDir static Path dir;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void session() {
    SparkTestSession.get();
  }

  /** A CSV file of a header and lines. */
  private static String csv(String name, String... lines) throws IOException {
    Path file = dir.resolve(name + ".csv");
    Files.writeString(file, String.join("\n", lines) + (lines.length > 0 ? "\n" : ""));
    return file.toString();
  }

  /** 12 good lines f1,f2,label with labels a/b, and {@code extra} lines inserted after line {@code at}. */
  private static String[] table(int at, String... extra) {
    List<String> lines = new ArrayList<>(List.of("f1,f2,label"));
    for (int i = 0; i < 12; i++) {
      if (i == at) {
        lines.addAll(List.of(extra));
      }
      lines.add(i + "," + (i % 3) + "," + (i % 2 == 0 ? "a" : "b"));
    }
    return lines.toArray(new String[0]);
  }

  private static Cli train(String data, String model, String... extra) {
    lastModel = model;
    return run(List.of("train", "--set", "data.train.path=" + data, "--set", "data.train.format=csv",
        "--set", "data.features=[f1, f2]", "--set", "network.layers=2-4relu-2softmax",
        "--set", "training.epochs=2", "--set", "model.path=" + dir.resolve(model)), extra);
  }

  private static Path evaluationModel;

  /** {@code dnn evaluate} of a model trained once on good rows, on the CSV file {@code data}. */
  private static Cli evaluate(String data, String... extra) throws IOException {
    if (evaluationModel == null) {
      Cli trained = train(csv("good-for-eval", table(-1)), "m-for-eval");
      assertEquals(0, trained.status, trained.toString());
      evaluationModel = dir.resolve("m-for-eval");
    }
    return run(List.of("evaluate", "--set", "evaluate.model=" + evaluationModel,
        "--set", "evaluate.input.path=" + data, "--set", "evaluate.input.format=csv"), extra);
  }

  /** Runs the CLI with {@code args} and each of {@code extra} as one more --set KEY=VALUE. */
  private static Cli run(List<String> args, String... extra) {
    List<String> all = new ArrayList<>(args);
    for (String e : extra) {
      all.add("--set");
      all.add(e);
    }
    return Cli.run(all.toArray(new String[0]));
  }

  /** One error line, and neither the model of the last {@link #train} nor a staging directory of it written. */
  private static void refused(Cli cli, String... expected) {
    assertOneErrorLine(cli, expected);
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().equals(lastModel)
          || f.getFileName().toString().startsWith("." + lastModel + ".")), "no model or staging directory is left");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String lastModel;

  @Test
  void anEmptyFileSaysItIsEmpty() throws IOException {
    refused(train(csv("empty"), "m-empty"), "training data", "empty.csv", "is empty: it has no header line");
  }

  @Test
  void aHeaderOnlyFileSaysItHasNoRows() throws IOException {
    refused(train(csv("header", "f1,f2,label"), "m-header"), "header.csv", "has no rows (only a header line)",
        "its columns are f1, f2, label");
  }

  /** A file read with the wrong separator is one column named after the header: the line says what to set. */
  @Test
  void aSemicolonFileReadWithCommasSaysToSetTheSeparator() throws IOException {
    refused(train(csv("semicolons", "f1;f2;label", "1;2;a", "3;4;b"), "m-semicolons"),
        "'label' not found", "its columns are f1;f2;label", "separate fields with ';'",
        "data.train.options { sep = \";\" }");
  }

  /** Evaluation data is opened without a row check of its own: its packing pass says it has none. */
  @Test
  void aHeaderOnlyFileToEvaluateSaysItHasNoRows() throws IOException {
    Cli evaluate = evaluate(csv("eval-header", "f1,f2,label"));
    assertOneErrorLine(evaluate, "evaluation data", "eval-header.csv", "has no rows (only a header line)",
        "its columns are f1, f2, label");
  }

  /**
   * Prediction learns that its input has no rows from the scoring job itself (no job of its own to
   * ask first), and then refuses it as before: the earlier predictions stay, nothing is left staged.
   */
  @Test
  void aHeaderOnlyFileToPredictSaysItHasNoRowsAndKeepsTheOldOutput() throws IOException {
    evaluate(csv("warm-up", table(-1))); // trains the model once
    Path out = dir.resolve("predictions-kept");
    Cli first = run(List.of("predict", "--set", "predict.model=" + evaluationModel, "--set",
        "predict.input.path=" + csv("predict-rows", table(-1)), "--set", "predict.input.format=csv",
        "--set", "predict.output.path=" + out));
    assertEquals(0, first.status, first.toString());
    List<String> before;
    try (java.util.stream.Stream<Path> files = Files.list(out)) {
      before = files.map(f -> f.getFileName().toString()).sorted().toList();
    }
    Cli empty = run(List.of("predict", "--set", "predict.model=" + evaluationModel, "--set",
        "predict.input.path=" + csv("predict-header", "f1,f2,label"), "--set", "predict.input.format=csv",
        "--set", "predict.output.path=" + out, "--set", "predict.overwrite=true"));
    assertOneErrorLine(empty, "input data", "predict-header.csv", "has no rows (only a header line)");
    try (java.util.stream.Stream<Path> files = Files.list(out)) {
      assertEquals(before, files.map(f -> f.getFileName().toString()).sorted().toList(), "the old output stays");
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith(".predictions-kept")), "nothing staged");
    }
  }

  /** Evaluation that skips every row says so, as training does, and how to see the first bad row. */
  @Test
  void evaluatingOnlyBadRowsSaysTheyWereSkipped() throws IOException {
    Cli evaluate = evaluate(csv("all-bad", "f1,f2,label", "1,2", "3,4,5,6", "foo"), "data.bad-rows=skip");
    assertOneErrorLine(evaluate, "evaluation data", "all-bad.csv", "has no usable rows (all 3 were skipped as bad",
        "data.bad-rows = fail");
  }

  /** A directory without files of the format: our words, not Spark's "specify the schema manually". */
  @Test
  void anEmptyDirectorySaysWhatIsMissing() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("no-files.parquet"));
    Cli cli = Cli.run("train", "--set", "data.train.path=" + empty, "--set", "network.layers=2-4relu-2softmax",
        "--set", "model.path=" + dir.resolve("m-no-files"));
    assertOneErrorLine(cli, "training data (data.train.path=" + empty + ") holds no parquet files to read",
        "point data.train.path at the data");
    assertFalse(cli.err.contains("manually"), cli.err);
  }

  @Test
  void aColumnNamedTwiceIsRefusedNamingBoth() throws IOException {
    refused(train(csv("dup", "f1,f1,label", "1,2,a", "3,4,b"), "m-dup"), "dup.csv",
        "the header names column 'f1' twice (columns 1 and 2)");
  }

  @Test
  void aValueThatIsNotANumberNamesTheRow() throws IOException {
    String data = csv("text", table(4, "7,x,b"));
    refused(train(data, "m-text"), "text.csv", "row 5: column 'f2' has 'x', which is not a number");
  }

  /**
   * A column with no number in any row (names, categories) is refused as a column: fixing or
   * skipping rows would not help, and skipping every row only pointed back at the first of them.
   */
  @Test
  void aColumnOfTextIsRefusedAsAColumnWithWhatToDo() throws IOException {
    String names = csv("names", "f1,f2,label", "1,red,a", "2,blue,b", "3,green,a", "4,,b");
    Cli feature = train(names, "m-names");
    refused(feature, "names.csv", "column 'f2' holds no number in any row (the first refused has 'red', which is "
        + "not a number); a feature must be a number", "leave it out of data.features");
    assertFalse(feature.err.contains("data.bad-rows = skip"), feature.err);
    Cli target = train(csv("classes", "f1,f2,label", "1,2,cat", "2,3,dog", "3,4,cat"), "m-classes",
        "network.layers=2-4relu-1identity");
    refused(target, "classes.csv", "column 'label' holds no number in any row", "cannot be a regression target",
        "end network.layers in softmax");
  }

  /**
   * Read from several files, a bad row is named by its file and its row there: Spark orders files
   * by size, not name, so a row number of the whole input would send the user counting.
   */
  @Test
  void aBadRowInOneOfSeveralFilesNamesThatFile() throws IOException {
    Path multi = Files.createDirectories(dir.resolve("multi"));
    String[] good = table(-1);
    Files.writeString(multi.resolve("a.csv"), String.join("\n", good) + "\n");
    Files.writeString(multi.resolve("b.csv"), String.join("\n", table(4, "7,x,b")) + "\n");
    List<String> big = new ArrayList<>(List.of(good));
    for (int i = 0; i < 30; i++) {
      big.add(i + ",1,a");
    }
    Files.writeString(multi.resolve("c.csv"), String.join("\n", big) + "\n");
    refused(train(multi.toString(), "m-multi"),
        "row 5 of file " + multi.resolve("b.csv") + " (row ",
        " of the input): column 'f2' has 'x', which is not a number");
  }

  /**
   * Files whose headers order (or count) the columns otherwise than the first file's are refused,
   * naming the file: Spark's default only warns, and reads such a file's values into the wrong columns.
   */
  @Test
  void aFileWhoseHeaderDiffersIsRefusedNamingIt() throws IOException {
    Path swapped = Files.createDirectories(dir.resolve("swapped"));
    Files.writeString(swapped.resolve("a.csv"), String.join("\n", table(-1)) + "\n");
    Files.writeString(swapped.resolve("b.csv"), "f2,f1,label\n1,7,a\n2,8,b\n");
    refused(train(swapped.toString(), "m-swapped"), "error: training data (data.train.path=" + swapped + "): file "
        + swapped.resolve("b.csv")
        + " has the header 'f2, f1, label' where the data's columns are 'f1, f2, label'",
        "give every file the same header");
    Path wider = Files.createDirectories(dir.resolve("wider"));
    Files.writeString(wider.resolve("a.csv"), String.join("\n", table(-1)) + "\n");
    Files.writeString(wider.resolve("b.csv"), "f1,f2,label,extra\n1,7,a,0\n2,8,b,0\n");
    refused(train(wider.toString(), "m-wider"), "error: training data (data.train.path=" + wider + "): the files' "
        + "headers differ: file ",
        " has 4 columns in its header where the columns Spark took from the first file it read (the largest) are 3");
  }

  /** A file split over several partitions counts its rows in the splits before the bad row's. */
  @Test
  void aBadRowInTheSecondSplitOfAFileCountsTheFirst() throws IOException {
    Path split = Files.createDirectories(dir.resolve("split"));
    Files.writeString(split.resolve("a.csv"), String.join("\n", table(-1)) + "\n");
    List<String> lines = new ArrayList<>(List.of("f1,f2,label"));
    for (int i = 0; i < 200; i++) {
      lines.add(i == 150 ? "7,x,b" : i + "," + (i % 3) + "," + (i % 2 == 0 ? "a" : "b"));
    }
    Files.writeString(split.resolve("b.csv"), String.join("\n", lines) + "\n");
    org.apache.spark.sql.RuntimeConfig conf = SparkTestSession.get().conf();
    conf.set("spark.sql.files.maxPartitionBytes", "512");
    conf.set("spark.sql.files.openCostInBytes", "0");
    try {
      assertTrue(SparkTestSession.get().read().option("header", "true").csv(split.resolve("b.csv").toString())
          .javaRDD().getNumPartitions() > 2, "the file is read in several splits");
      refused(train(split.toString(), "m-split"), "row 151 of file " + split.resolve("b.csv") + " (row ");
    } finally {
      conf.unset("spark.sql.files.maxPartitionBytes");
      conf.unset("spark.sql.files.openCostInBytes");
    }
  }

  @Test
  void aLineWithMoreFieldsThanTheHeaderIsRefusedOrSkipped() throws Exception {
    String data = csv("ragged", table(2, "5,6,7,a"));
    refused(train(data, "m-ragged"), "ragged.csv", "row 3: the line '5,6,7,a' does not fit the header");
    Cli skipped = train(data, "m-ragged-skip", "data.bad-rows=skip", "data.validation-fraction=0");
    assertEquals(0, skipped.status, skipped.toString());
    JsonNode metadata = JSON.readTree(dir.resolve("m-ragged-skip/metadata.json").toFile());
    assertEquals(12, metadata.at("/rows/train").asLong(), "the 12 good lines are trained on");
    assertEquals(1, metadata.at("/rows/skipped").asLong(), "the ragged line is counted");
  }

  /** A quoted value holding a line break: the refusal names multiLine, with which the value reads whole. */
  @Test
  void aQuotedValueSpanningLinesPointsToMultiLine() throws Exception {
    String data = csv("spanning", table(2, "5,6,\"a", "b\""));
    refused(train(data, "m-spanning"), "spanning.csv", "a quote in it is not closed on the line",
        "set multiLine = true in the data's reader options (e.g. data.train.options { multiLine = true })");
    // read whole, the value is a third label: refused by the labels now, not by a line
    refused(train(data, "m-spanning-multi", "data.train.options.multiLine=true"), "3 distinct labels [a, a\\nb, b]");
  }

  @Test
  void aColumnNameWithADotWorks() throws Exception {
    List<String> lines = new ArrayList<>(List.of("f.1,f2,label"));
    for (int i = 0; i < 20; i++) {
      lines.add(i + "," + (i % 3) + "," + (i % 2));
    }
    String data = csv("dotted", lines.toArray(new String[0]));
    Cli cli = Cli.run("train", "--set", "data.train.path=" + data, "--set", "data.train.format=csv",
        "--set", "data.features=[\"f.1\", f2]", "--set", "network.layers=2-4relu-2softmax", "--set", "training.epochs=2",
        "--set", "model.path=" + dir.resolve("m-dotted"));
    assertEquals(0, cli.status, cli.toString());
    Cli predict = Cli.run("predict", "--set", "predict.model=" + dir.resolve("m-dotted"),
        "--set", "predict.input.path=" + data, "--set", "predict.input.format=csv",
        "--set", "predict.output.path=" + dir.resolve("dotted-predictions"));
    assertEquals(0, predict.status, predict.toString());
  }

  @Test
  void aNaNLabelIsABadRowNotAClass() throws IOException {
    List<String> lines = new ArrayList<>(List.of("f1,f2,label"));
    for (int i = 0; i < 20; i++) {
      lines.add(i + "," + (i % 3) + "," + (i == 6 ? "NaN" : Integer.toString(i % 2)));
    }
    String data = csv("nanlabel", lines.toArray(new String[0]));
    refused(train(data, "m-nanlabel"), "row 7: column 'label' has label NaN");
  }

  /**
   * Finite features far outside the training rows' range overflow inside the network (no scaling
   * here, so 3e38 reaches it as it is): the first such row is named wherever metrics would be wrong
   * (validation during training, evaluation, importance, the test metrics train logs), never a NaN
   * loss blamed on the learning rate or a metric that counts it as class 0; with bad rows skipped,
   * evaluation skips them.
   */
  @Test
  void rowsTheNetworkOverflowsOnAreNamedWhereverMetricsWouldBeWrong() throws IOException {
    String[] wide = {"network.layers=2-32relu-2softmax", "data.scaling=none"};
    String good = csv("overflow-train", table(-1));
    String huge = csv("overflow-huge", table(5, "3e38,3e38,a", "-3e38,-3e38,b"));
    List<String> validated = new ArrayList<>(List.of(wide));
    validated.addAll(List.of("data.validation.path=" + huge, "data.validation.format=csv"));
    Cli validation = train(good, "m-overflow-validation", validated.toArray(new String[0]));
    refused(validation, "validation data (data.validation.path=" + huge + "): row 6: ",
        "give the network a NaN or infinite output", "so the validation loss is not finite (epoch 1/2",
        "no model was written; fix or remove the row (a smaller learning rate will not help)");
    assertFalse(validation.err.contains("data.bad-rows"), validation.err);

    List<String> tested = new ArrayList<>(List.of(wide));
    tested.addAll(List.of("data.test.path=" + huge, "data.test.format=csv"));
    Cli withTest = train(good, "m-overflow", tested.toArray(new String[0]));
    assertEquals(0, withTest.status, withTest.toString());
    String model = dir.resolve("m-overflow").toString();
    // the model is written (training went well), without the test metrics the row made wrong (a warning says so)
    String metadata = Files.readString(Path.of(model, "metadata.json"));
    assertFalse(metadata.contains("test_metrics"), metadata);

    // read from two files (the larger first): named by the file and the row in it
    Path both = Files.createDirectories(dir.resolve("overflow-both"));
    Files.copy(Path.of(good), both.resolve("a.csv"));
    Files.copy(Path.of(huge), both.resolve("b.csv"));
    Cli evaluation = run(List.of("evaluate", "--set", "evaluate.model=" + model, "--set",
        "evaluate.input.path=" + both, "--set", "evaluate.input.format=csv"));
    assertOneErrorLine(evaluation, "row 6 of file ", "b.csv (row 6 of the input)", "so the metrics would be wrong",
        "fix or remove the row, or skip such rows to leave them out of the metrics (data.bad-rows = skip");
    assertFalse(evaluation.err.contains("data.bad-rows = skip to pass over"), evaluation.err);
    // skipping bad rows skips these too: the two huge rows are left out of the metrics and counted
    Cli skipping = run(List.of("evaluate", "--set", "evaluate.model=" + model, "--set",
        "evaluate.input.path=" + both, "--set", "evaluate.input.format=csv", "--set", "data.bad-rows=skip"));
    assertEquals(0, skipping.status, skipping.toString());
    assertTrue(skipping.out.replace(" ", "").contains("\"skipped_rows\":2"), skipping.out);
    Cli importance = run(List.of("importance", "--model", model, "--input", huge, "--output",
        dir.resolve("overflow-importance").toString(), "--set", "importance.input.format=csv"));
    assertOneErrorLine(importance, "row 6: ", "so the importances would be wrong");
    assertFalse(Files.exists(dir.resolve("overflow-importance")), "no importance written");
  }

  /**
   * A label held by one row where every other label is held by dozens looks like a typo: the
   * refusal (too many classes, or continuous) also names that value and its row. Labels that
   * are all common get the refusal alone.
   */
  @Test
  void aLabelInOneRowOnlyIsNamedAsAPossibleMistake() throws IOException {
    String[] names = {"cat", "dog", "emu"};
    List<String> numbers = new ArrayList<>(List.of("f1,f2,label"));
    List<String> words = new ArrayList<>(List.of("f1,f2,label"));
    List<String> four = new ArrayList<>(List.of("f1,f2,label"));
    for (int i = 0; i < 90; i++) {
      numbers.add(i + "," + (i % 7) + "," + (i == 40 ? "7" : Integer.toString(i % 3)));
      four.add(i + "," + (i % 7) + "," + (i % 4));
    }
    for (int i = 0; i < 300; i++) { // a label in 3 rows against ~99
      words.add(i + "," + (i % 7) + "," + (i == 57 || i == 60 || i == 63 ? "dgo" : names[i % 3]));
    }
    String[] threeClasses = {"network.layers=2-4relu-3softmax"};
    refused(train(csv("typo-number", numbers.toArray(new String[0])), "m-typo-number", threeClasses),
        "so the network needs 8 classes, not 3", "but label 7 is in 1 row only (row 41), against 30 for a "
            + "typical label, and without it the labels fit the network: if it is a mistake, fix or remove that row");
    refused(train(csv("typo-word", words.toArray(new String[0])), "m-typo-word", threeClasses),
        "4 distinct labels", "but label 'dgo' is in 3 rows only (the first is row 58)",
        "if it is a mistake, fix or remove those rows");
    Cli common = train(csv("four-labels", four.toArray(new String[0])), "m-four-labels", threeClasses);
    refused(common, "so the network needs 4 classes, not 3");
    assertFalse(common.err.contains("row only"), common.err);
  }

  /**
   * CSV as RFC 4180 writes it (Python's csv module, spreadsheets): a label with a comma and quotes
   * is one quoted field with its quotes doubled. It is read as that label, and predict's CSV output
   * writes it back the same way, so that a standard reader gets the columns it wrote.
   */
  @Test
  void quotedFieldsWithDoubledQuotesAreReadAndWrittenAsRfc4180() throws IOException {
    List<String> lines = new ArrayList<>(List.of("f1,f2,label"));
    for (int i = 0; i < 40; i++) {
      lines.add(i % 5 + "," + i % 3 + "," + (i % 2 == 0 ? "\"se,\"\"to\"\"sa\"" : "plain"));
    }
    String data = csv("rfc4180", lines.toArray(new String[0]));
    Cli trained = train(data, "m-rfc4180");
    assertEquals(0, trained.status, trained.toString());
    String metadata = Files.readString(dir.resolve("m-rfc4180/metadata.json"));
    assertTrue(metadata.contains("\"se,\\\"to\\\"sa\""), "the class is se,\"to\"sa: " + metadata);
    Path out = dir.resolve("rfc4180-predictions");
    Cli predicted = run(List.of("predict"), "predict.model=" + dir.resolve("m-rfc4180"), "predict.input.path=" + data,
        "predict.input.format=csv", "predict.output.path=" + out, "predict.output.format=csv");
    assertEquals(0, predicted.status, predicted.toString());
    String written;
    try (java.util.stream.Stream<Path> files = Files.list(out)) {
      Path part = files.filter(f -> f.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
      written = Files.readString(part);
    }
    assertTrue(written.contains("\"se,\"\"to\"\"sa\""), "quotes doubled, not backslash-escaped: " + written);
    assertFalse(written.contains("\\\""), written);
  }

  /**
   * The typo hint where the classes are far from balanced (290, 9 and 1 rows): the rarest label is
   * measured against the labels that stay (289 and 10 rows), not against a median it drags down itself.
   */
  @Test
  void aRareLabelInImbalancedDataIsNamedToo() throws IOException {
    List<String> lines = new ArrayList<>(List.of("f1,f2,label"));
    for (int i = 0; i < 300; i++) {
      lines.add(i + "," + (i % 7) + "," + (i == 150 ? "c" : i % 30 == 1 ? "b" : "a"));
    }
    refused(train(csv("imbalanced", lines.toArray(new String[0])), "m-imbalanced"),
        "3 distinct labels", "but label 'c' is in 1 row only (row 151), against 289 for a typical label");
  }

  /**
   * Text from the data cannot break the one error line, nor forge a second one: a label that holds a
   * line break is shown quoted, the break escaped, and the message goes on to its remedy.
   */
  @Test
  void aLabelWithALineBreakStaysOnTheErrorLine() throws IOException {
    StringBuilder json = new StringBuilder();
    for (int i = 0; i < 90; i++) {
      json.append("{\"f1\": ").append(i).append(", \"f2\": ").append(i % 7).append(", \"label\": \"")
          .append(i == 40 ? "c\\nerror: fake" : i % 2 == 0 ? "a" : "b").append("\"}\n");
    }
    Path file = dir.resolve("newline-label.json");
    Files.writeString(file, json);
    Cli cli = train(file.toString(), "m-newline-label", "data.train.format=json");
    refused(cli, "3 distinct labels", "but label 'c\\nerror: fake' is in 1 row only (row 41)",
        "fix or remove that row");
    assertFalse(cli.err.lines().anyMatch(line -> line.startsWith("error: fake")), cli.err);
  }

  /** An infinite label is no class: refused by its row like NaN, and skipped under data.bad-rows = skip. */
  @Test
  void anInfiniteLabelIsABadRowNotAClass() throws IOException {
    List<String> lines = new ArrayList<>(List.of("f1,f2,label"));
    for (int i = 0; i < 20; i++) {
      lines.add(i + "," + (i % 3) + "," + (i == 6 ? "Infinity" : Integer.toString(i % 2)));
    }
    String data = csv("inflabel", lines.toArray(new String[0]));
    refused(train(data, "m-inflabel"), "row 7: column 'label' has label Infinity");
    Cli skipped = train(data, "m-inflabel-skip", "data.bad-rows=skip");
    assertEquals(0, skipped.status, skipped.toString());
  }

  @Test
  void aContinuousLabelSuggestsRegression() throws IOException {
    List<String> lines = new ArrayList<>(List.of("f1,f2,label"));
    for (int i = 0; i < 40; i++) {
      lines.add(i + "," + (i % 3) + "," + (i * 1.37));
    }
    refused(train(csv("continuous", lines.toArray(new String[0])), "m-continuous"),
        "label column 'label'", "looks continuous",
        "train a regression network: end network.layers with 1identity (see conf/regression.conf)");
  }

  /**
   * Fractional labels fewer than the network's classes (so not caught as "more values than
   * outputs") are still measurements: the line says so and points to regression, not to a
   * classifier of 12 classes.
   */
  @Test
  void fractionalLabelsFewerThanTheClassesPointToRegression() throws IOException {
    List<String> lines = new ArrayList<>(List.of("f1,f2,label"));
    for (int i = 0; i < 48; i++) {
      lines.add(i + "," + (i % 3) + "," + (0.37 + (i % 12) * 1.15));
    }
    Cli cli = train(csv("fewfractions", lines.toArray(new String[0])), "m-fewfractions",
        "network.layers=2-8relu-20softmax");
    refused(cli, "label column 'label'", "12 distinct labels [0.37, 1.52, 2.67,",
        "but the network has 20 classes; the labels look like continuous values (e.g. 0.37, 1.52): "
            + "for regression end network.layers with 1identity (see conf/regression.conf)");
    assertFalse(cli.err.contains("12softmax"), cli.err);
  }

  /**
   * A model of text labels evaluated on a column of whole numbers (CSV reads it as int) names the
   * unknown label as the file writes it, 0, not as the double Spark's reader turned it into.
   */
  @Test
  void anUnknownLabelIsNamedAsTheFileWritesIt() throws IOException {
    List<String> lines = new ArrayList<>(List.of("f1,f2,label"));
    for (int i = 0; i < 12; i++) {
      lines.add(i + "," + (i % 3) + "," + (i % 2));
    }
    Cli cli = evaluate(csv("intlabels", lines.toArray(new String[0])));
    assertOneErrorLine(cli, "row 1: column 'label' has label '0', which is not one of the model's classes [a, b]");
    assertFalse(cli.err.contains("0.0"), cli.err);
  }

  /** A label of its own on most rows (ids, names) is not a set of classes, whatever the network's width. */
  @Test
  void aLabelThatLooksLikeAnIdIsRefused() throws IOException {
    List<String> lines = new ArrayList<>(List.of("f1,f2,label"));
    for (int i = 0; i < 40; i++) {
      lines.add(i + "," + (i % 3) + ",user" + i);
    }
    refused(train(csv("ids", lines.toArray(new String[0])), "m-ids"),
        "label column 'label'", "looks like an id: 40 distinct values in 40 rows",
        "choose the column that holds the classes (data.label)");
  }
}
