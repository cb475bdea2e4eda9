package io.sparkdnn.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.ClassWeights;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.scoring.ModelScoring;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Row weights count in the loss, the gradient and every metric: weight 2 is the row twice. */
class RowWeightsTest {
  private static final Dataset<Row> DATA = TestData.blobs(SparkTestSession.get(), 600, 3, 4, 17, 2);

  private static DataSettings settings(String weight, ClassWeights classWeights) {
    return DataSettings.builder().features(List.of("features")).labels(List.of("label")).idColumns(List.of("id"))
        .scaling(ScalingMode.STANDARD).partitions(2).validationFraction(0).weightColumn(weight)
        .classWeights(classWeights).build();
  }

  /** Full-batch sync training sums every row's gradient, so the sums agree up to float rounding. */
  private static TrainingConfig fullBatch() {
    return TrainingConfig.builder(NetworkSpec.parse("4-8tanh-3softmax")).mode(TrainingMode.SYNC).epochs(6)
        .roundsPerEpoch(1).patience(0).seed(3)
        .optimizer(OptimizerSettings.builder().name(OptimizerName.SGD).learningRate(0.5).build()).build();
  }

  private static DnnModel fit(Dataset<Row> data, DataSettings settings) {
    DnnTrainer.Fit fit = new DnnTrainer(settings, fullBatch()).fit(data, null, "data", null, null, TrainingListener.NONE);
    fit.packed.release();
    return fit.model;
  }

  @Test
  void weightTwoEqualsTheRowTwice() {
    Dataset<Row> weighted = DATA.withColumn("w", when(col("id").mod(5).equalTo(0), lit(2.0)).otherwise(lit(1.0)));
    Dataset<Row> duplicated = DATA.unionByName(DATA.where(col("id").mod(5).equalTo(0)));
    DnnModel byWeight = fit(weighted, settings("w", ClassWeights.none()));
    DnnModel byCopies = fit(duplicated, settings(null, ClassWeights.none()));
    double diff = FloatArrays.maxAbsDifference(byWeight.weights(), byCopies.weights());
    assertTrue(diff <= 1e-5, "max weight difference " + diff);
    DnnModel unweighted = fit(DATA, settings(null, ClassWeights.none()));
    assertTrue(FloatArrays.maxAbsDifference(byWeight.weights(), unweighted.weights()) > 1e-3,
        "the weights change the model (the check bites)");

    EvaluationResult a = ModelScoring.evaluate(byWeight, weighted, 2, BadRowPolicy.FAIL, BlasBackend.AUTO, "data", "w",
        0.5f);
    EvaluationResult b = ModelScoring.evaluate(byWeight, duplicated, 2, BadRowPolicy.FAIL, BlasBackend.AUTO, "data",
        null, 0.5f);
    assertEquals(600, a.rows());
    assertEquals(b.rows(), a.weight(), 1e-9, "the weights sum to the duplicated row count");
    assertEquals(b.accuracy(), a.accuracy(), 1e-9);
    assertEquals(b.loss(), a.loss(), 1e-6);
    assertEquals(b.macroF1(), a.macroF1(), 1e-9);
    assertEquals(b.rocAuc(), a.rocAuc(), 1e-9);
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < 3; p++) {
        assertEquals(b.confusion()[c][p], a.confusion()[c][p], 1e-9);
      }
    }
  }

  /** "*" takes every column but the label, the id columns and the row weight: a weight is not a feature. */
  @Test
  void theWeightColumnIsNoFeatureUnderStar() {
    Dataset<Row> table = SparkTestSession.get().range(0, 200, 1, 2).selectExpr("id", "rand(1) AS a",
        "CAST(id % 2 AS INT) AS label", "rand(2) AS b", "1.0D + id % 3 AS w");
    DataSettings star = DataSettings.builder().features(List.of("*")).labels(List.of("label")).idColumns(List.of("id"))
        .scaling(ScalingMode.STANDARD).partitions(2).validationFraction(0).weightColumn("w").build();
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("2-4relu-2softmax")).epochs(1).seed(3).build();
    DnnTrainer.Fit fit = new DnnTrainer(star, config).fit(table, null, "data", null, null, TrainingListener.NONE);
    fit.packed.release();
    assertEquals(List.of("a", "b"), List.of(fit.model.columns().featureColumns()));
  }

  /** Balanced class weights: rows / (classes · rows of the class); a class weighted up is predicted more. */
  @Test
  void classWeightsShiftTheModelTowardsTheWeightedClass() {
    DnnModel plain = fit(DATA, settings(null, ClassWeights.none()));
    DnnModel favoured = fit(DATA, settings(null, ClassWeights.given(Map.of("2", 20.0))));
    double plainRecall = recall(plain, 2);
    double favouredRecall = recall(favoured, 2);
    assertTrue(favouredRecall >= plainRecall, favouredRecall + " vs " + plainRecall);
    assertTrue(predicted(favoured, 2) > predicted(plain, 2), "class 2 is predicted more often");
  }

  private static double recall(DnnModel m, int c) {
    return ModelScoring.evaluate(m, DATA, 2, BadRowPolicy.FAIL, BlasBackend.AUTO, "data").perClass().get(c).recall();
  }

  private static double predicted(DnnModel m, int c) {
    double[][] confusion = ModelScoring.evaluate(m, DATA, 2, BadRowPolicy.FAIL, BlasBackend.AUTO, "data").confusion();
    double n = 0;
    for (double[] row : confusion) {
      n += row[c];
    }
    return n;
  }

  /**
   * Rows that are there but all weigh 0 are refused before training, naming them and the weight
   * column: training rows give nothing to learn from, validation and test rows no loss or metric
   * (a weighted mean over them is 0/0, which surfaced as a "not usable model" with advice about the
   * learning rate). A validation file whose every row was skipped as bad is refused as test data is.
   */
  @Test
  void rowsThatAllWeighNothingAreRefusedBeforeTraining() {
    Dataset<Row> weighted = DATA.withColumn("w", lit(1.0));
    Dataset<Row> weightless = DATA.limit(30).withColumn("w", lit(0.0));
    DataSettings settings = settings("w", ClassWeights.none());
    io.sparkdnn.data.DataException validation = org.junit.jupiter.api.Assertions.assertThrows(
        io.sparkdnn.data.DataException.class, () -> new DnnTrainer(settings, fullBatch())
            .fit(weighted, weightless, "data", "validation data (v.parquet)", null, TrainingListener.NONE));
    assertTrue(validation.getMessage().startsWith("validation data (v.parquet): all 30 rows have weight 0 in weight "
        + "column 'w'"), validation.getMessage());
    io.sparkdnn.data.DataException training = org.junit.jupiter.api.Assertions.assertThrows(
        io.sparkdnn.data.DataException.class, () -> new DnnTrainer(settings, fullBatch())
            .fit(DATA.withColumn("w", lit(0.0)), null, "data", null, null, TrainingListener.NONE));
    assertTrue(training.getMessage().contains("all 600 training rows have weight 0"), training.getMessage());
    io.sparkdnn.data.DataException test = org.junit.jupiter.api.Assertions.assertThrows(
        io.sparkdnn.data.DataException.class, () -> new DnnTrainer(settings, fullBatch())
            .withTestData(weightless, "test data (t.parquet)")
            .fit(weighted, null, "data", null, null, TrainingListener.NONE));
    assertTrue(test.getMessage().startsWith("test data (t.parquet): all 30 rows have weight 0"), test.getMessage());
    DnnModel model = fit(weighted, settings);
    io.sparkdnn.data.DataException evaluated = org.junit.jupiter.api.Assertions.assertThrows(
        io.sparkdnn.data.DataException.class, () -> ModelScoring.evaluate(model, weightless, 2, BadRowPolicy.FAIL,
            BlasBackend.AUTO, "evaluation data (e.parquet)", "w", ModelScoring.DEFAULT_THRESHOLD));
    assertTrue(evaluated.getMessage().startsWith("evaluation data (e.parquet): all 30 rows have weight 0"),
        evaluated.getMessage());
    DataSettings skipping = DataSettings.builder().features(List.of("features")).labels(List.of("label"))
        .idColumns(List.of("id")).scaling(ScalingMode.STANDARD).partitions(2).validationFraction(0).weightColumn("w")
        .badRows(BadRowPolicy.SKIP).build();
    io.sparkdnn.data.DataException skipped = org.junit.jupiter.api.Assertions.assertThrows(
        io.sparkdnn.data.DataException.class, () -> new DnnTrainer(skipping, fullBatch())
            .fit(weighted, DATA.limit(3).withColumn("w", lit(-1.0)), "data", "validation data (v.parquet)", null,
                TrainingListener.NONE));
    assertTrue(skipped.getMessage().startsWith("validation data (v.parquet) has no usable rows (all 3 were skipped"),
        skipped.getMessage());
  }
}
