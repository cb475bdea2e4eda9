package io.sparkdnn.serve;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelFiles;
import io.sparkdnn.model.ModelWriter;
import io.sparkdnn.model.OnnxExport;
import io.sparkdnn.onnx.OnnxExporter;
import io.sparkdnn.scoring.ModelScoring;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.OptimizerSettings;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingListener;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models trained by the real trainer, of every kind (multi-class with string classes, binary,
 * multi-label, regression with two target-scaled targets and with one, dropout layers) and with
 * every feature scaling mode (none, standard, minmax, maxabs, auto), saved and read back; then, on
 * the same raw rows, Spark's prediction ({@link ModelScoring#predict}) against the exported ONNX
 * model in ONNX Runtime and against the Spark-free {@link Scorer}. Max absolute difference ≤ 1e-5
 * (regression: relative to max(1, |y|), the values being in the targets' units, up to ~700 here);
 * the predicted classes and flags must agree wherever the decision is not a near tie. Every
 * exported file also passes the ONNX checker (python3-onnx).
 */
class ServingParityTest {
  private static final double TOLERANCE = 1e-5;
  /** Decisions closer than this to a tie may flip with float rounding and are not compared. */
  private static final double TIE = 1e-5;
  private static final int SCORED_ROWS = 300;

  @TempDir static Path dir;
  static final Map<String, Trained> trained = new LinkedHashMap<>();
  static OrtEnvironment ort;

  /** One case: data generator, columns, network, scalings. */
  record Case(String name, Function<Long, Dataset<Row>> data, List<String> features, List<String> labels,
      String network, ScalingMode scaling, ScalingMode targetScaling) {
    @Override
    public String toString() {
      return name + " (" + network + ", scaling " + scaling.token() + ")";
    }
  }

  /** A trained, saved and exported case with the rows to score. */
  record Trained(Case c, DnnModel model, Path modelDir, Path onnxFile, List<Row> spark, float[][] raw) {}

  static List<Case> cases() {
    SparkSession spark = SparkTestSession.get();
    return List.of(
        new Case("multiclass-string-classes-standard",
            seed -> TestData.blobs(spark, 800, 4, 6, seed, 2)
                .withColumn("label", concat(lit("class-"), col("label").cast("string"))),
            List.of("features"), List.of("label"), "6-16relu-8leakyrelu-4softmax", ScalingMode.STANDARD, ScalingMode.NONE),
        new Case("binary-minmax",
            seed -> withId(TestData.xor(spark, 800, seed)),
            List.of("x1", "x2"), List.of("label"), "2-8tanh-1sigmoid", ScalingMode.MINMAX, ScalingMode.NONE),
        new Case("multilabel-maxabs",
            seed -> withId(TestData.multilabel(spark, 800, seed)),
            List.of("x1", "x2", "x3"), List.of("l0", "l1", "l2"), "3-12relu-3sigmoid", ScalingMode.MAXABS,
            ScalingMode.NONE),
        new Case("regression-2-targets-none",
            seed -> withId(TestData.regression(spark, 800, seed)
                .withColumn("y1", col("y1").multiply(100).plus(500))
                .withColumn("y2", col("y2").multiply(10).minus(30))),
            List.of("features"), List.of("y1", "y2"), "3-16tanh-2identity", ScalingMode.NONE, ScalingMode.STANDARD),
        new Case("binary-auto",
            // x1 in [0, 1] is left as it is, x2 and x3 are standardised
            seed -> withId(TestData.multilabel(spark, 800, seed)
                .withColumn("x1", col("x1").plus(2).divide(4))
                .withColumn("x2", col("x2").multiply(5).plus(10))),
            List.of("x1", "x2", "x3"), List.of("l1"), "3-10sigmoid-1sigmoid", ScalingMode.AUTO, ScalingMode.NONE),
        new Case("multiclass-dropout",
            seed -> TestData.blobs(spark, 800, 3, 5, seed, 2),
            List.of("features"), List.of("label"), "5-16relu+dropout0.3-8tanh+dropout0.1-3softmax",
            ScalingMode.STANDARD, ScalingMode.NONE),
        new Case("regression-1-target-minmax",
            seed -> withId(TestData.regression(spark, 800, seed).withColumn("y1", col("y1").multiply(-40))),
            List.of("features"), List.of("y1"), "3-8sigmoid-1identity", ScalingMode.MINMAX, ScalingMode.STANDARD));
  }

  private static Dataset<Row> withId(Dataset<Row> data) {
    return data.withColumn("id", functions.monotonically_increasing_id());
  }

  @BeforeAll
  static void trainExportAndPredict() throws Exception {
    ort = OrtEnvironment.getEnvironment();
    for (Case c : cases()) {
      DataSettings settings = DataSettings.builder().features(c.features).labels(c.labels)
          .idColumns(List.of("id")).scaling(c.scaling).targetScaling(c.targetScaling).partitions(2).build();
      TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse(c.network)).epochs(6).patience(0).seed(5)
          .optimizer(OptimizerSettings.builder().learningRate(0.01).build()).build();
      DnnTrainer.Fit fit = new DnnTrainer(settings, config)
          .fit(c.data.apply(11L), null, c.name, null, null, TrainingListener.NONE);
      fit.packed.release();
      Path modelDir = dir.resolve(c.name);
      ModelWriter.open(modelDir.toString(), false, new Configuration(), "test").commit(fit.model);
      DnnModel model = ModelFiles.read(modelDir);
      assertArrayEquals(fit.model.weights(), model.weights(), c + ": weights read back");
      Path onnx = dir.resolve(c.name + ".onnx");
      Files.write(onnx, OnnxExport.bytes(model, c.name));

      Dataset<Row> scored = c.data.apply(99L).orderBy("id").limit(SCORED_ROWS).cache();
      List<Row> input = scored.collectAsList();
      List<Row> spark = ModelScoring.predict(model, scored, List.of("id"), BadRowPolicy.FAIL, c.name)
          .orderBy("id").collectAsList();
      assertEquals(input.size(), spark.size());
      float[][] raw = new float[input.size()][];
      for (int r = 0; r < raw.length; r++) {
        assertEquals(input.get(r).<Object>getAs("id"), spark.get(r).get(0), "rows in the same order");
        raw[r] = rawFeatures(input.get(r), model.columns());
      }
      scored.unpersist();
      trained.put(c.name, new Trained(c, model, modelDir, onnx, spark, raw));
    }
  }

  @AfterAll
  static void release() {
    trained.clear();
  }

  static Stream<String> names() {
    return cases().stream().map(Case::name);
  }

  @Test
  void everyScalingModeAndModelKindIsCovered() {
    assertEquals(List.of(ScalingMode.STANDARD, ScalingMode.MINMAX, ScalingMode.MAXABS, ScalingMode.NONE,
            ScalingMode.AUTO, ScalingMode.STANDARD, ScalingMode.MINMAX),
        trained.values().stream().map(t -> t.model.scaling().mode()).toList(),
        "the scaling each model stored (auto must stay auto: some features in [0, 1], some not)");
    assertEquals(List.of(Task.MULTICLASS, Task.BINARY, Task.MULTILABEL, Task.REGRESSION, Task.BINARY,
            Task.MULTICLASS, Task.REGRESSION),
        trained.values().stream().map(t -> t.model.task()).toList());
    assertTrue(!trained.get("regression-2-targets-none").model.targetScaling().isIdentity());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void onnxRuntimeGivesSparksPredictions(String name) throws Exception {
    Trained t = trained.get(name);
    DnnModel model = t.model;
    int n = t.raw.length;
    int in = model.spec().inputWidth();
    float[] flat = new float[n * in];
    for (int r = 0; r < n; r++) {
      System.arraycopy(t.raw[r], 0, flat, r * in, in);
    }
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = ort.createSession(t.onnxFile.toString(), options);
          OnnxTensor x = OnnxTensor.createTensor(ort, FloatBuffer.wrap(flat), new long[] {n, in});
          OrtSession.Result result = session.run(Map.of(OnnxExporter.FEATURES, x))) {
        String values = model.task() == Task.REGRESSION ? OnnxExporter.PREDICTIONS : OnnxExporter.PROBABILITIES;
        float[][] outputs = (float[][]) result.get(values).orElseThrow().getValue();
        double diff = 0;
        for (int r = 0; r < n; r++) {
          double[] expected = sparkOutputs(model, t.spark.get(r));
          diff = Math.max(diff, maxDiff(expected, outputs[r], model.task()));
        }
        System.out.printf("serving parity %-36s ONNX Runtime vs Spark predict: max |diff| %.2e%n", name, diff);
        assertTrue(diff <= TOLERANCE, name + ": ONNX vs Spark max |diff| " + diff);
        if (model.task() == Task.MULTILABEL) {
          long[][] flags = (long[][]) result.get(OnnxExporter.LABEL).orElseThrow().getValue();
          for (int r = 0; r < n; r++) {
            List<Integer> expected = t.spark.get(r).getList(1);
            double[] p = sparkOutputs(model, t.spark.get(r));
            for (int j = 0; j < p.length; j++) {
              if (Math.abs(p[j] - 0.5) > TIE) {
                assertEquals(expected.get(j).longValue(), flags[r][j], name + " row " + r + " label " + j);
              }
            }
          }
        } else if (model.task() != Task.REGRESSION) {
          long[] label = (long[]) result.get(OnnxExporter.LABEL).orElseThrow().getValue();
          for (int r = 0; r < n; r++) {
            if (!nearTie(sparkOutputs(model, t.spark.get(r)))) {
              assertEquals(sparkLabel(t.spark.get(r)), model.classNames()[(int) label[r]], name + " row " + r);
            }
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void scorerGivesSparksPredictions(String name) {
    Trained t = trained.get(name);
    DnnModel model = t.model;
    Scorer scorer = Scorer.load(t.modelDir);
    Prediction[] batch = scorer.scoreBatch(t.raw);
    double diff = 0;
    for (int r = 0; r < t.raw.length; r++) {
      Prediction single = scorer.score(t.raw[r]);
      assertArrayEquals(batch[r].outputs(), single.outputs(), 1e-6f, name + " row " + r + ": batch and single row");
      Row spark = t.spark.get(r);
      double[] expected = sparkOutputs(model, spark);
      diff = Math.max(diff, maxDiff(expected, batch[r].outputs(), model.task()));
      switch (model.task()) {
        case MULTICLASS:
        case BINARY: {
          Prediction.Classification p = (Prediction.Classification) batch[r];
          assertEquals(model.classNames()[p.index()], p.label());
          if (!nearTie(expected)) {
            assertEquals(sparkLabel(spark), p.label(), name + " row " + r);
          }
          break;
        }
        case MULTILABEL: {
          Prediction.MultiLabel p = (Prediction.MultiLabel) batch[r];
          List<Integer> flags = spark.getList(1);
          for (int j = 0; j < expected.length; j++) {
            if (Math.abs(expected[j] - 0.5) > TIE) {
              assertEquals(flags.get(j).intValue(), p.predicted()[j], name + " row " + r + " label " + j);
            }
          }
          break;
        }
        case REGRESSION:
          assertTrue(batch[r] instanceof Prediction.Regression);
          break;
        default:
          throw new AssertionError(model.task());
      }
    }
    System.out.printf("serving parity %-36s Scorer vs Spark predict: max |diff| %.2e%n", name, diff);
    assertTrue(diff <= TOLERANCE, name + ": Scorer vs Spark max |diff| " + diff);
  }

  /** The reference ONNX checker (Debian's python3-onnx) accepts the file of every trained model. */
  @Test
  void onnxCheckerAcceptsEveryExportedModel() throws Exception {
    String python = "/usr/bin/python3";
    boolean available = Files.isExecutable(Path.of(python)) && run(List.of(python, "-c", "import onnx")).startsWith("0");
    if (!available) {
      String reason = "python3-onnx is not importable from " + python
          + "; scripts/test.sh installs it (Debian's python3-onnx) to run the ONNX checker on exported models";
      System.out.println("skipped: " + reason);
      Assumptions.abort(reason);
    }
    List<String> command = new ArrayList<>(List.of(python, "-c",
        "import onnx,sys; [onnx.checker.check_model(onnx.load(f), full_check=True) for f in sys.argv[1:]];"
            + " print('checked', len(sys.argv) - 1, 'models with onnx', onnx.__version__)"));
    for (Trained t : trained.values()) {
      command.add(t.onnxFile.toString());
    }
    String output = run(command);
    System.out.println("onnx checker: " + output.substring(2).strip());
    assertTrue(output.startsWith("0"), "the ONNX checker refused a trained model:\n" + output);
    assertTrue(output.contains("checked " + trained.size() + " models"), output);
  }

  /** Exit status, a space, then what the command printed. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return process.waitFor() + " " + output;
  }

  /** The raw features of a row as the model reads them: float values of its feature columns, in order. */
  private static float[] rawFeatures(Row row, InputColumns columns) {
    String[] names = columns.featureColumns();
    float[] x = new float[columns.width()];
    if (columns.featureShape() == InputColumns.Shape.SCALARS) {
      for (int j = 0; j < names.length; j++) {
        x[j] = ((Number) row.getAs(names[j])).floatValue();
      }
      return x;
    }
    Object value = row.getAs(names[0]);
    if (value instanceof Vector) {
      double[] v = ((Vector) value).toArray();
      for (int j = 0; j < x.length; j++) {
        x[j] = (float) v[j];
      }
    } else {
      List<Object> list = row.getList(row.fieldIndex(names[0]));
      for (int j = 0; j < x.length; j++) {
        x[j] = ((Number) list.get(j)).floatValue();
      }
    }
    return x;
  }

  /** Spark's probability column (classifiers) or prediction values (regression) of a row: id, prediction[, probability]. */
  private static double[] sparkOutputs(DnnModel model, Row row) {
    Object value = model.task() == Task.REGRESSION ? row.get(1) : row.get(2);
    if (value instanceof Double) {
      return new double[] {(Double) value};
    }
    List<Object> list = row.getList(model.task() == Task.REGRESSION ? 1 : 2);
    return list.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
  }

  /** Spark's predicted class as the model's class name (numeric classes come back as doubles). */
  private static String sparkLabel(Row row) {
    Object label = row.get(1);
    return label instanceof Double ? io.sparkdnn.data.LabelIndex.canonical((Double) label) : (String) label;
  }

  /** Absolute difference; regression relative to max(1, |expected|). */
  private static double maxDiff(double[] expected, float[] actual, Task task) {
    assertEquals(expected.length, actual.length);
    double max = 0;
    for (int j = 0; j < expected.length; j++) {
      double d = Math.abs(expected[j] - actual[j]);
      max = Math.max(max, task == Task.REGRESSION ? d / Math.max(1, Math.abs(expected[j])) : d);
    }
    return max;
  }

  /** The two largest probabilities (or a binary p and 0.5) are within TIE. */
  private static boolean nearTie(double[] p) {
    if (p.length == 2 && Math.abs(p[0] + p[1] - 1) < 1e-6) {
      return Math.abs(p[1] - 0.5) <= TIE;
    }
    double best = Double.NEGATIVE_INFINITY;
    double second = Double.NEGATIVE_INFINITY;
    for (double v : p) {
      if (v > best) {
        second = best;
        best = v;
      } else if (v > second) {
        second = v;
      }
    }
    return best - second <= TIE;
  }
}
