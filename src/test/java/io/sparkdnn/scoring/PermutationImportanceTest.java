package io.sparkdnn.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Seeds;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.results.MetricName;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.OptimizerSettings;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Permutation importance on data where only some columns carry signal. The data (stated here, not
 * in a file): eight standard-normal columns x0..x7; the label depends on x0, x1 and x2 alone, with
 * weights 1, 0.55 and 0.3 (classification: the sign of 1·x0 + 0.55·x1 + 0.3·x2 + noise σ 0.1;
 * regression: 2·x0 + x1² + 0.5·x2 + noise σ 0.1); x3..x7 are noise the label never sees. The
 * informative columns must rank first, in the order of their weights, and the noise columns be
 * near zero; the same seed gives the same numbers, on any number of partitions.
 */
public class PermutationImportanceTest {
  private static final String[] COLUMNS = {"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"};

  @Test
  void informativeColumnsRankFirstAndNoiseIsNearZero() {
    DnnTrainer.Fit fit = train(data(8000, 11, false), "8-32relu-2softmax");
    try {
      ImportanceSettings settings = ImportanceSettings.builder().repeats(4).seed(5).build();
      FeatureUnits units = FeatureUnits.of(fit.model.columns(), null, true);
      assertEquals("one unit per feature column", units.description());
      FeatureImportance fi = new PermutationImportance(fit.model, settings, BlasBackend.AUTO)
          .compute(fit.packed.validation(), fit.packed.validationRows(), units);
      assertEquals(MetricName.ACCURACY, fi.metric());
      assertEquals(fit.packed.validationRows(), fi.rows());
      assertTrue(fi.baseline() > 0.95, "baseline accuracy " + fi.baseline());
      assertEquals(List.of("x0", "x1", "x2"), names(fi).subList(0, 3), "ranking " + names(fi));
      double weakestSignal = fi.unit("x2").mean();
      for (int c = 3; c < 8; c++) {
        FeatureImportance.Unit noise = fi.unit("x" + c);
        assertTrue(Math.abs(noise.mean()) <= 0.005, noise.name() + " mean " + noise.mean());
        assertTrue(Math.max(Math.abs(noise.min()), Math.abs(noise.max())) <= 0.01, noise.name() + " spread");
        assertTrue(weakestSignal > 5 * Math.abs(noise.max()) + 0.01, "x2 " + weakestSignal + " vs " + noise.name());
      }
      assertTrue(fi.unit("x0").mean() > 0.2, "x0 " + fi.unit("x0").mean());
      assertTrue(fi.unit("x0").std() > 0 && fi.unit("x0").drops().length == 4);

      // the same seed: the same drops; on 3 partitions instead of 2: the same accuracy drops (exact counts)
      FeatureImportance again = new PermutationImportance(fit.model, settings, BlasBackend.AUTO)
          .compute(fit.packed.validation(), fit.packed.validationRows(), units);
      JavaRDD<PackedBlock> repartitioned = fit.packed.validation().repartition(3);
      FeatureImportance elsewhere = new PermutationImportance(fit.model, settings, BlasBackend.AUTO)
          .compute(repartitioned, fit.packed.validationRows(), units);
      for (String c : COLUMNS) {
        assertArrayEquals(fi.unit(c).drops(), again.unit(c).drops(), 0, c + " same seed");
        assertArrayEquals(fi.unit(c).drops(), elsewhere.unit(c).drops(), 1e-12, c + " on 3 partitions");
      }
      // another seed: other shuffles, the same ranking of the signal
      FeatureImportance other = new PermutationImportance(fit.model,
          ImportanceSettings.builder().repeats(4).seed(6).build(), BlasBackend.AUTO)
          .compute(fit.packed.validation(), fit.packed.validationRows(), units);
      assertTrue(other.unit("x0").drops()[0] != fi.unit("x0").drops()[0], "another seed shuffles differently");
      assertEquals(List.of("x0", "x1", "x2"), names(other).subList(0, 3));

      // a sample: at most max-rows rows, seeded
      FeatureImportance sampled = new PermutationImportance(fit.model,
          ImportanceSettings.builder().repeats(2).maxRows(800).seed(5).build(), BlasBackend.AUTO)
          .compute(fit.packed.validation(), fit.packed.validationRows(), units);
      assertTrue(sampled.rows() > 650 && sampled.rows() < 950, "sampled rows " + sampled.rows());
      assertEquals("x0", names(sampled).get(0));
    } finally {
      fit.packed.release();
    }
  }

  @Test
  void regressionRanksByRmseIncrease() {
    DnnTrainer.Fit fit = train(data(6000, 12, true), "8-32tanh-1identity");
    try {
      FeatureImportance fi = new PermutationImportance(fit.model, ImportanceSettings.builder().repeats(3).build(),
          BlasBackend.AUTO).compute(fit.packed.validation(), fit.packed.validationRows(),
          FeatureUnits.of(fit.model.columns(), null, true));
      assertEquals(MetricName.RMSE, fi.metric());
      assertTrue(fi.baseline() < 1.0, "baseline RMSE (the target's std is ~2.5) " + fi.baseline());
      assertEquals(List.of("x0", "x1", "x2"), names(fi).subList(0, 3), "ranking " + names(fi));
      for (int c = 3; c < 8; c++) {
        FeatureImportance.Unit noise = fi.unit("x" + c);
        assertTrue(Math.abs(noise.mean()) < 0.1 * fi.unit("x2").mean(), noise.name() + " " + noise.mean()
            + " vs x2 " + fi.unit("x2").mean());
      }
      assertEquals(MetricName.LOSS, new PermutationImportance(fit.model,
          ImportanceSettings.builder().metric(MetricName.LOSS).repeats(1).build(), BlasBackend.AUTO)
          .compute(fit.packed.validation(), fit.packed.validationRows(),
              FeatureUnits.of(fit.model.columns(), null, true)).metric());
    } finally {
      fit.packed.release();
    }
  }

  private static List<String> names(FeatureImportance fi) {
    List<String> names = new ArrayList<>();
    fi.units().forEach(u -> names.add(u.name()));
    return names;
  }

  private static DnnTrainer.Fit train(Dataset<Row> data, String layers) {
    DataSettings settings = new DataSettings(List.of(COLUMNS), List.of("y"), List.of(), ScalingMode.STANDARD,
        BadRowPolicy.FAIL, 2, 8192, 0.25);
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse(layers)).epochs(12).batchSize(64)
        .optimizer(OptimizerSettings.builder().learningRate(0.005).build()).build();
    return new DnnTrainer(settings, config).fit(data, null, "synthetic data", null, null, TrainingListener.NONE);
  }

  /** The data the class comment states. */
  public static Dataset<Row> data(int n, long seed, boolean regression) {
    SparkSession spark = SparkTestSession.get();
    SplittableRandom random = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Object[] values = new Object[COLUMNS.length + 1];
      double[] x = new double[COLUMNS.length];
      for (int c = 0; c < x.length; c++) {
        x[c] = Seeds.gaussian(random);
        values[c] = x[c];
      }
      double noise = 0.1 * Seeds.gaussian(random);
      values[COLUMNS.length] = regression
          ? 2 * x[0] + x[1] * x[1] + 0.5 * x[2] + noise
          : (x[0] + 0.55 * x[1] + 0.3 * x[2] + noise > 0 ? 1.0 : 0.0);
      rows.add(RowFactory.create(values));
    }
    StructType schema = new StructType();
    for (String c : COLUMNS) {
      schema = schema.add(c, DataTypes.DoubleType);
    }
    return spark.createDataFrame(rows, schema.add("y", DataTypes.DoubleType));
  }
}
