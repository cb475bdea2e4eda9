package io.sparkdnn.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.Failures;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.results.ClassMetrics;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.scoring.ModelScoring;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.OptimizerSettings;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRoundTripTest {
  @TempDir static Path dir;
  static SparkSession spark;
  static Dataset<Row> data;
  static DnnModel model;

  @BeforeAll
  static void train() {
    spark = SparkTestSession.get();
    data = TestData.blobs(spark, 2000, 3, 5, 21, 2)
        .withColumn("label", concat(lit("kind-"), col("label")));
    DataSettings settings = new DataSettings(List.of("features"), List.of("label"), List.of("id"),
        ScalingMode.MINMAX, BadRowPolicy.FAIL, 2, 8192, 0.2);
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("5-8relu-3softmax")).epochs(10)
        .batchSize(32).optimizer(OptimizerSettings.builder().learningRate(0.01).build()).build();
    DnnTrainer.Fit fit = new DnnTrainer(settings, config)
        .fit(data, null, "training data", null, null, TrainingListener.NONE);
    fit.packed.release();
    model = fit.model;
  }

  private static DnnModel saveAndLoad(DnnModel m, String name) {
    String path = dir.resolve(name).toString();
    ModelWriter writer = ModelWriter.open(path, false, spark.sparkContext().hadoopConfiguration(), "model.path");
    writer.commit(m);
    return ModelReader.read(path, spark.sparkContext().hadoopConfiguration(), "model.path");
  }

  @Test
  void saveLoadPredictGivesIdenticalOutputs() {
    DnnModel loaded = saveAndLoad(model, "roundtrip");
    assertEquals(model.spec(), loaded.spec());
    assertEquals(model.task(), loaded.task());
    assertArrayEquals(model.weights(), loaded.weights());
    assertArrayEquals(model.scaling().scale(), loaded.scaling().scale());
    assertArrayEquals(model.scaling().shift(), loaded.scaling().shift());
    assertEquals(model.labels(), loaded.labels());
    List<Row> before = ModelScoring.predict(model, data, List.of("id"), BadRowPolicy.FAIL, "data").orderBy("id").collectAsList();
    List<Row> after = ModelScoring.predict(loaded, data, List.of("id"), BadRowPolicy.FAIL, "data").orderBy("id").collectAsList();
    assertEquals(2000, before.size());
    assertEquals(before, after);
  }

  @Test
  void stringLabelsComeBackAsTheUsersLabels() {
    List<Row> rows = ModelScoring.predict(model, data, List.of("id", "label"), BadRowPolicy.FAIL, "data").collectAsList();
    int right = 0;
    for (Row r : rows) {
      String predicted = r.getString(2);
      assertTrue(predicted.startsWith("kind-"), predicted);
      right += predicted.equals(r.getString(1)) ? 1 : 0;
      List<Double> p = r.getList(3);
      assertEquals(3, p.size());
      assertEquals(1.0, p.stream().mapToDouble(Double::doubleValue).sum(), 1e-5);
    }
    assertTrue(right > 0.9 * rows.size(), right + " of " + rows.size());
  }

  /** evaluate's accuracy, confusion matrix and recall against counting the predictions by hand. */
  @Test
  void evaluateMatchesAHandCount() {
    EvaluationResult metrics = ModelScoring.evaluate(model, data, 2, BadRowPolicy.FAIL, BlasBackend.AUTO, "data");
    List<Row> rows = ModelScoring.predict(model, data, List.of("label"), BadRowPolicy.FAIL, "data").collectAsList();
    String[] classes = model.classNames();
    long[][] confusion = new long[3][3];
    long right = 0;
    for (Row r : rows) {
      int actual = List.of(classes).indexOf(r.getString(0));
      int predicted = List.of(classes).indexOf(r.getString(1));
      confusion[actual][predicted]++;
      right += actual == predicted ? 1 : 0;
    }
    assertEquals(2000L, metrics.rows());
    assertEquals(right / 2000.0, metrics.accuracy(), 1e-12);
    double[][] reported = metrics.confusion();
    for (int a = 0; a < 3; a++) {
      assertArrayEquals(java.util.Arrays.stream(confusion[a]).asDoubleStream().toArray(), reported[a],
          "confusion row " + a);
    }
    List<ClassMetrics> perClass = metrics.perClass();
    for (int c = 0; c < 3; c++) {
      long support = confusion[c][0] + confusion[c][1] + confusion[c][2];
      assertEquals((double) confusion[c][c] / support, perClass.get(c).recall(), 1e-12);
      assertEquals(support, perClass.get(c).support());
    }
  }

  @Test
  void overwriteReplacesAModelOnlyWhenComplete() {
    String path = dir.resolve("replace").toString();
    ModelWriter.open(path, false, spark.sparkContext().hadoopConfiguration(), "model.path").commit(model);
    DnnModel other = model.withRecord(TrainingRecord.created("second"));
    ModelWriter.open(path, true, spark.sparkContext().hadoopConfiguration(), "model.path").commit(other);
    assertEquals("second", ModelReader.read(path, spark.sparkContext().hadoopConfiguration(), "m").record().created());
    ModelWriter aborted = ModelWriter.open(path, true, spark.sparkContext().hadoopConfiguration(), "model.path");
    aborted.abort();
    assertEquals("second", ModelReader.read(path, spark.sparkContext().hadoopConfiguration(), "m").record().created());
    assertEquals(1, dir.toFile().list((d, n) -> n.contains("replace")).length, "no staging left behind");
  }

  /**
   * predict is lazy (no Spark job until an action, as a Transformer must be), and a bad row in a
   * later partition is reported by its number in the whole input once the error is located.
   */
  @Test
  void predictIsLazyAndBadRowsAreNumberedInInputOrder() {
    // 400 rows in 4 partitions of 100, in id order; row 301 (id 300) has a NaN feature.
    Dataset<Row> bad = spark.range(0, 400, 1, 4).selectExpr("CAST(id AS INT) AS id",
        "array(CAST(IF(id = 300, 'NaN', '1') AS FLOAT), 0F, 0F, 0F, 0F) AS features");
    String group = "predict-is-lazy";
    spark.sparkContext().setJobGroup(group, "predict", false);
    Dataset<Row> predictions = ModelScoring.predict(model, bad, List.of("id"), BadRowPolicy.FAIL, "data");
    spark.sparkContext().clearJobGroup();
    assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup(group).length);

    Exception e = assertThrows(Exception.class, predictions::collectAsList);
    String message = Failures.asDataException(e, bad, "the data").getMessage();
    assertTrue(message.startsWith("the data: row 301: column 'features'"), message);
  }
}
