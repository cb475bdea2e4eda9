package io.sparkdnn.train;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.FeatureStatistics;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.scoring.ModelScoring;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Regression targets are standardised for training and turned back on every output and metric. */
class TargetScalingTest {

  @Test
  void standardisesAndInvertsExactly() {
    FeatureStatistics stats = new FeatureStatistics().add(new float[] {100f, -1f, 140f, -3f, 120f, -2f}, 3, 2);
    TargetScaling scaling = TargetScaling.standard(stats, 2);
    float[] standardised = new float[6];
    for (int r = 0; r < 3; r++) {
      scaling.apply(new float[] {100f + 20 * r, -1f - r}, 0, standardised, 2 * r);
    }
    // mean 120 and −2, population std sqrt(800/3) and sqrt(2/3)
    assertEquals(-20 / Math.sqrt(800 / 3.0), standardised[0], 1e-5);
    assertEquals(1 / Math.sqrt(2 / 3.0), standardised[1], 1e-5);
    scaling.invert(standardised, 0, 3);
    assertArrayEquals(new float[] {100f, -1f, 120f, -2f, 140f, -3f}, standardised, 1e-4f);
  }

  /**
   * Targets × 1000 standardise to the same numbers, so the same seed trains the same weights and
   * the model predicts × 1000, with RMSE and MAE × 1000 and the same R².
   */
  @Test
  void aModelTrainedOnTargetsTimesAThousandPredictsTimesAThousand() {
    Dataset<Row> data = TestData.regression(SparkTestSession.get(), 1500, 8)
        .withColumn("id", org.apache.spark.sql.functions.monotonically_increasing_id());
    Dataset<Row> scaled = data.withColumn("y1", col("y1").multiply(1000));
    DnnModel plain = fit(data);
    DnnModel thousand = fit(scaled);
    assertArrayEquals(plain.weights(), thousand.weights(), 1e-5f, "standardised targets are the same numbers");
    assertEquals(1000f * plain.targetScaling().std()[0], thousand.targetScaling().std()[0],
        1e-3f * thousand.targetScaling().std()[0]);

    List<Row> a = ModelScoring.predict(plain, data, List.of("id"), BadRowPolicy.FAIL, "data").orderBy("id")
        .collectAsList();
    List<Row> b = ModelScoring.predict(thousand, scaled, List.of("id"), BadRowPolicy.FAIL, "data").orderBy("id")
        .collectAsList();
    for (int i = 0; i < a.size(); i++) {
      double p = a.get(i).getDouble(1);
      assertEquals(1000 * p, b.get(i).getDouble(1), 1e-3 * Math.max(1, Math.abs(1000 * p)), "row " + i);
    }
    EvaluationResult ma = ModelScoring.evaluate(plain, data, 2, BadRowPolicy.FAIL, BlasBackend.AUTO, "data");
    EvaluationResult mb = ModelScoring.evaluate(thousand, scaled, 2, BadRowPolicy.FAIL, BlasBackend.AUTO, "data");
    assertEquals(1000 * ma.rmse(), mb.rmse(), 1e-3 * mb.rmse());
    assertEquals(1000 * ma.mae(), mb.mae(), 1e-3 * mb.mae());
    assertEquals(ma.r2(), mb.r2(), 1e-4);
    assertTrue(ma.r2() > 0.9, "the plain model fits: R² " + ma.r2());
  }

  private static DnnModel fit(Dataset<Row> data) {
    DataSettings settings = DataSettings.builder().features(List.of("features")).labels(List.of("y1"))
        .idColumns(List.of("id")).partitions(2).build();
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("3-16tanh-1identity")).mode(TrainingMode.SYNC)
        .epochs(30).roundsPerEpoch(4).patience(0).seed(4)
        .optimizer(OptimizerSettings.builder().learningRate(0.01).build()).build();
    DnnTrainer.Fit fit = new DnnTrainer(settings, config).fit(data, null, "data", null, null, TrainingListener.NONE);
    fit.packed.release();
    assertEquals(ScalingMode.STANDARD, settings.targetScaling());
    return fit.model;
  }
}
