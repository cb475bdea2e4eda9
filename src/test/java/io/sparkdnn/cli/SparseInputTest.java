package io.sparkdnn.cli;

import static io.sparkdnn.cli.BadInputTest.assertOneErrorLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdnn.SparkTestSession;
import io.sparkdnn.SparseTestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sparse input through the command line: a libsvm file trained, evaluated, predicted and exported
 * end to end without densifying, and bad sparse rows (another vector size, an index out of range,
 * NaN) refused in one line naming the row and the column, as dense rows are.
 */
class SparseInputTest {
  private static final int WIDTH = 3000;
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static String train;
  static String test;

  @BeforeAll
  static void data() throws IOException {
    SparkTestSession.get();
    train = libsvm("train", 2000, 1);
    test = libsvm("test", 600, 2);
  }

  /** Generated documents as a libsvm file: "label index:value ..." with 1-based indices. */
  private static String libsvm(String name, int rows, long seed) throws IOException {
    List<String> lines = new ArrayList<>();
    for (SparseTestData.Document d : SparseTestData.generate(rows, 4, WIDTH, 8, seed)) {
      StringBuilder line = new StringBuilder().append(d.label);
      for (int k = 0; k < d.indices.length; k++) {
        line.append(' ').append(d.indices[k] + 1).append(':').append(String.format(Locale.ROOT, "%g", d.values[k]));
      }
      lines.add(line.toString());
    }
    Path file = dir.resolve(name + ".libsvm");
    Files.write(file, lines);
    return file.toString();
  }

  @Test
  void libsvmFileEndToEnd() throws IOException {
    Path model = dir.resolve("model");
    Cli trained = Cli.run("train", "--set", "data.train.path=" + train, "--set", "data.train.format=libsvm",
        "--set", "data.train.options.numFeatures=" + WIDTH, "--set", "network.layers=" + WIDTH + "-16relu-4softmax",
        "--set", "training.epochs=6", "--set", "model.path=" + model);
    assertEquals(0, trained.status, trained.toString());
    JsonNode metadata = JSON.readTree(model.resolve("metadata.json").toFile());
    assertEquals("sparse", metadata.at("/features/layout").asText(), "libsvm rows are packed sparse");
    assertEquals("auto", metadata.at("/training/data.layout").asText());
    assertTrue(metadata.at("/validation_metrics/accuracy").asDouble() > 0.9, metadata.at("/validation_metrics").toString());

    Cli evaluated = Cli.run("evaluate", "--set", "evaluate.model=" + model, "--set", "evaluate.input.path=" + test,
        "--set", "evaluate.input.format=libsvm", "--set", "evaluate.input.options.numFeatures=" + WIDTH);
    assertEquals(0, evaluated.status, evaluated.toString());
    JsonNode metrics = JSON.readTree(evaluated.out);
    assertEquals(600, metrics.get("rows").asInt());
    double accuracy = metrics.get("accuracy").asDouble();
    assertTrue(accuracy > 0.9, "test accuracy " + accuracy);

    Path out = dir.resolve("predictions");
    Cli predicted = Cli.run("predict", "--set", "predict.model=" + model, "--set", "predict.input.path=" + test,
        "--set", "predict.input.format=libsvm", "--set", "predict.input.options.numFeatures=" + WIDTH,
        "--set", "predict.output.path=" + out);
    assertEquals(0, predicted.status, predicted.toString());
    List<Row> rows = SparkTestSession.get().read().parquet(out.toString()).collectAsList();
    assertEquals(600, rows.size());
    long right = rows.stream().filter(r -> Double.parseDouble(r.getAs("prediction").toString())
        == ((Number) r.getAs("label")).doubleValue()).count();
    assertEquals(accuracy, right / 600.0, 1e-9, "predict agrees with evaluate");

    Path onnx = dir.resolve("model.onnx");
    Cli exported = Cli.run("export", "--model", model.toString(), "--format", "onnx", "--output", onnx.toString());
    assertEquals(0, exported.status, exported.toString());
    assertTrue(Files.size(onnx) > 4L * WIDTH * 16, "the dense graph holds W_0");
  }

  /** A libsvm file whose line 22 is {@code bad}, the other 39 lines good. */
  private static Cli trainOnLibsvm(String name, String bad) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      lines.add(i == 21 ? bad : (i % 4) + " " + (i + 1) + ":1 " + (i + 50) + ":2");
    }
    Path file = dir.resolve(name + ".libsvm");
    Files.write(file, lines);
    return Cli.run("train", "--set", "data.train.path=" + file, "--set", "data.train.format=libsvm",
        "--set", "data.train.options.numFeatures=" + WIDTH, "--set", "network.layers=" + WIDTH + "-8relu-4softmax",
        "--set", "training.epochs=1", "--set", "model.path=" + dir.resolve("bad-model"));
  }

  /**
   * Spark's libsvm reader fails on such lines with neither file nor line ("Index 3004 out of bounds
   * for vector of size 3000"); they are refused naming both.
   */
  @Test
  void libsvmLinesSparkCannotParseAreRefusedByLine() throws IOException {
    assertOneErrorLine(trainOnLibsvm("beyond", "1 3:1 " + (WIDTH + 5) + ":2"), "line 22 of ", "beyond.libsvm",
        "feature index 3005 is beyond numFeatures = 3000", "data.train.path=");
    assertOneErrorLine(trainOnLibsvm("word", "1 3:1 77:nan"), "line 22 of ", "the value of '77:nan' is not a number");
    assertOneErrorLine(trainOnLibsvm("order", "1 9:1 4:1"), "line 22 of ", "feature index 4 follows index 9");
    assertFalse(Files.exists(dir.resolve("bad-model")));
  }

  /**
   * A libsvm line does not say how wide its vector is. Without numFeatures, Spark's reader takes the
   * largest index in the files, which a validation, test or predict file rarely shares with the
   * training data; such files are read at the network's width (training) or the model's (evaluate,
   * predict), and a line beyond that width is refused by line, naming the width's source.
   */
  @Test
  void libsvmFilesWithoutNumFeaturesAreReadAtTheNetworksWidth() throws IOException {
    Path narrow = dir.resolve("narrow.libsvm"); // largest index 60 of the network's 3000
    Path narrower = dir.resolve("narrower.libsvm"); // largest index 55
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      a.add((i % 2) + " " + (1 + i % 5) + ":1 " + (50 + i % 11) + ":" + (i % 2 + 1));
      b.add((i % 2) + " " + (1 + i % 5) + ":1 " + (50 + i % 6) + ":" + (i % 2 + 1));
    }
    Files.write(narrow, a);
    Files.write(narrower, b);
    Path model = dir.resolve("narrow-model");
    Cli trained = Cli.run("train", "--set", "data.train.path=" + narrow, "--set", "data.train.format=libsvm",
        "--set", "data.test.path=" + narrower, "--set", "data.test.format=libsvm",
        "--set", "network.layers=" + WIDTH + "-8relu-2softmax", "--set", "training.epochs=2",
        "--set", "model.path=" + model);
    assertEquals(0, trained.status, trained.toString());
    Cli evaluated = Cli.run("evaluate", "--set", "evaluate.model=" + model, "--set", "evaluate.input.path=" + narrower,
        "--set", "evaluate.input.format=libsvm");
    assertEquals(0, evaluated.status, evaluated.toString());
    assertEquals(80, JSON.readTree(evaluated.out).get("rows").asInt());

    Path wide = dir.resolve("wide.libsvm");
    Files.write(wide, List.of("1 3:1", "0 2:1 " + (WIDTH + 1) + ":1"));
    assertOneErrorLine(Cli.run("evaluate", "--set", "evaluate.model=" + model, "--set", "evaluate.input.path=" + wide,
        "--set", "evaluate.input.format=libsvm"), "line 2 of ", "wide.libsvm",
        "feature index 3001 is beyond the 3000 inputs of the model", "evaluate.input.options.numFeatures");
    assertOneErrorLine(Cli.run("train", "--set", "data.train.path=" + wide, "--set", "data.train.format=libsvm",
        "--set", "network.layers=" + WIDTH + "-8relu-2softmax", "--set", "model.path=" + dir.resolve("wide-model")),
        "line 2 of ", "feature index 3001 is beyond the 3000 inputs of network.layers");
    assertOneErrorLine(Cli.run("evaluate", "--set", "evaluate.model=" + model, "--set", "evaluate.input.path=" + narrow,
        "--set", "evaluate.input.format=libsvm", "--set", "evaluate.input.options.numFeatures=1500"),
        "evaluate.input.options.numFeatures = 1500 reads vectors of 1500 features, but the model takes 3000; "
        + "remove the option (libsvm files are then read at 3000) or set it to 3000");
  }

  /** A NaN Spark reads is refused when rows are packed, by row and position (0-based, as in the vector). */
  @Test
  void aNaNInALibsvmFileIsRefusedByRow() throws IOException {
    assertOneErrorLine(trainOnLibsvm("nan", "1 3:1 77:NaN"), "row 22", "column 'features'", "has NaN at position 76");
  }

  private static String parquet(String name, List<Row> rows) {
    SparkSession spark = SparkTestSession.get();
    StructType schema = new StructType().add("label", DataTypes.IntegerType).add("features", new VectorUDT());
    String path = dir.resolve(name + ".parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    return path;
  }

  /** 300 generated rows, row {@code bad} (0-based) replaced by {@code badRow}. */
  private static List<Row> rows(int bad, Row badRow) {
    List<Row> rows = new ArrayList<>();
    for (SparseTestData.Document d : SparseTestData.generate(300, 4, WIDTH, 8, 3)) {
      rows.add(d.id == bad ? badRow : RowFactory.create(d.label, Vectors.sparse(WIDTH, d.indices, d.values)));
    }
    return rows;
  }

  private static Cli train(String data) {
    return Cli.run("train", "--set", "data.train.path=" + data, "--set", "network.layers=" + WIDTH + "-8relu-4softmax",
        "--set", "training.epochs=1", "--set", "model.path=" + dir.resolve("bad-model"));
  }

  @Test
  void aSparseVectorOfAnotherSizeIsRefusedByRow() {
    String data = parquet("size", rows(16, RowFactory.create(1, Vectors.sparse(WIDTH - 1, new int[] {3}, new double[] {1}))));
    Cli cli = train(data);
    assertOneErrorLine(cli, "row 17", "column 'features'", "is a sparse vector of size 2999, expected 3000",
        "data.train.path=" + data);
    assertFalse(Files.exists(dir.resolve("bad-model")));
  }

  @Test
  void aNaNInASparseVectorIsRefusedByRowAndPosition() {
    String data = parquet("nan", rows(9, RowFactory.create(1, Vectors.sparse(WIDTH, new int[] {5, 2000},
        new double[] {1, Double.NaN}))));
    assertOneErrorLine(train(data), "row 10", "column 'features'", "has NaN at position 2000");
  }

  /**
   * Spark's own SparseVector refuses out-of-range and unordered indices when built, but parquet
   * written by other tools holds what it holds: such a file is refused by row, naming the index.
   */
  @Test
  void anIndexOutOfRangeInAParquetFileIsRefusedByRow() {
    SparkSession spark = SparkTestSession.get();
    StructType raw = new StructType().add("label", DataTypes.IntegerType).add("features", new StructType()
        .add("type", DataTypes.ByteType, false).add("size", DataTypes.IntegerType, true)
        .add("indices", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
        .add("values", DataTypes.createArrayType(DataTypes.DoubleType, false), true));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int index = i == 33 ? WIDTH + 7 : i;
      rows.add(RowFactory.create(i % 4, RowFactory.create((byte) 0, WIDTH, new int[] {1, index + 2},
          new double[] {1.0, 2.0})));
    }
    String written = dir.resolve("raw.parquet").toString();
    spark.createDataFrame(rows, raw).coalesce(1).write().parquet(written);
    StructType asVectors = new StructType().add("label", DataTypes.IntegerType).add("features", new VectorUDT());
    String data = dir.resolve("range.parquet").toString();
    spark.read().schema(asVectors).parquet(written).write().parquet(data);
    assertOneErrorLine(train(data), "row 34", "column 'features'", "has index " + (WIDTH + 9),
        "outside the vector's size: expected an index in [0, 3000)");
  }
}
