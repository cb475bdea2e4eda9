package io.sparkdnn.train;

import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.MetricName;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.data.SyntheticData;
import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.model.DnnModel;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Tier 4: generated datasets with known structure, trained on Spark, each to a stated quality. */
class EndToEndTest {
  private final SparkSession spark = SparkTestSession.get();

  private static DataSettings columns(List<String> features, List<String> labels, double validation) {
    return new DataSettings(features, labels, List.of(), ScalingMode.STANDARD, BadRowPolicy.FAIL, 2, 8192, validation);
  }

  private static DnnTrainer.Fit fit(Dataset<Row> data, DataSettings settings, TrainingConfig config) {
    DnnTrainer.Fit fit = new DnnTrainer(settings, config).fit(data, null, "training data", null, null,
        TrainingListener.NONE);
    fit.packed.release();
    return fit;
  }

  private static double metric(DnnTrainer.Fit fit, String name) {
    EvaluationResult r = fit.result.validationMetrics();
    return name.equals("hamming_accuracy") ? r.hammingAccuracy() : r.metric(MetricName.fromToken(name));
  }

  @Test
  void xor() {
    Dataset<Row> data = TestData.xor(spark, 600, 3);
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("2-8tanh-1sigmoid"))
        .epochs(30).batchSize(32)
        .optimizer(OptimizerSettings.builder().learningRate(0.03).build()).build();
    DnnTrainer.Fit fit = fit(data, columns(List.of("x1", "x2"), List.of("label"), 0.25), config);
    assertTrue(metric(fit, "accuracy") >= 0.98, "XOR accuracy " + metric(fit, "accuracy"));
  }

  /** Five Gaussian blobs with string labels, both modes: ≥ 0.95 validation accuracy. */
  @Test
  void multiclassWithStringLabelsInBothModes() {
    Dataset<Row> data = SyntheticData.multiclass(spark, 4000, 11);
    for (TrainingMode mode : TrainingMode.values()) {
      TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("20-32relu-5softmax"))
          .mode(mode).epochs(mode == TrainingMode.SYNC ? 10 : 5)
          .roundsPerEpoch(mode == TrainingMode.SYNC ? 8 : 1)
          .optimizer(OptimizerSettings.builder().learningRate(mode == TrainingMode.SYNC ? 0.03 : 0.005).build())
          .build();
      DnnTrainer.Fit fit = fit(data, columns(List.of("features"), List.of("species"), 0.2), config);
      assertTrue(metric(fit, "accuracy") >= 0.95, mode + " accuracy " + metric(fit, "accuracy"));
      assertEquals(List.of("alpha", "beta", "delta", "epsilon", "gamma"), List.of(fit.model.classNames()));
    }
  }

  /** Two noisy half-moons, sigmoid + binary cross-entropy: ≥ 0.95 validation accuracy. */
  @Test
  void binary() {
    Dataset<Row> data = SyntheticData.binary(spark, 3000, 5);
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("8-32tanh-1sigmoid"))
        .epochs(20).batchSize(32).optimizer(OptimizerSettings.builder().learningRate(0.01).build()).build();
    DnnTrainer.Fit fit = fit(data, columns(List.of("*"), List.of("label"), 0.2), config);
    assertTrue(metric(fit, "accuracy") >= 0.95, "binary accuracy " + metric(fit, "accuracy"));
    assertEquals(List.of("no", "yes"), List.of(fit.model.classNames()));
  }

  /** Three threshold labels from three label columns: ≥ 0.9 of rows with every label right. */
  @Test
  void multilabel() {
    Dataset<Row> data = TestData.multilabel(spark, 4000, 8);
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("3-32tanh-3sigmoid"))
        .epochs(20).optimizer(OptimizerSettings.builder().learningRate(0.01).build()).build();
    DnnTrainer.Fit fit = fit(data, columns(List.of("x1", "x2", "x3"), List.of("l0", "l1", "l2"), 0.2), config);
    assertTrue(metric(fit, "accuracy") >= 0.9, "subset accuracy " + metric(fit, "accuracy"));
    assertTrue(metric(fit, "hamming_accuracy") >= 0.96, "hamming " + metric(fit, "hamming_accuracy"));
  }

  /** Two targets (noise σ = 0.05) from an ML vector: RMSE ≤ 0.15 and R² ≥ 0.97. */
  @Test
  void regressionWithTwoTargets() {
    Dataset<Row> data = TestData.regression(spark, 4000, 9);
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("3-32tanh-32tanh-2identity"))
        .epochs(40).batchSize(32).optimizer(OptimizerSettings.builder().learningRate(0.003).build()).build();
    DnnTrainer.Fit fit = fit(data, columns(List.of("features"), List.of("y1", "y2"), 0.2), config);
    assertTrue(metric(fit, "rmse") <= 0.15, "RMSE " + metric(fit, "rmse"));
    assertTrue(metric(fit, "r2") >= 0.97, "R² " + metric(fit, "r2"));
  }

  /** L-BFGS, full batch in sync mode, on blobs: MLlib's optimiser for users who compare. */
  @Test
  void lbfgsFullBatch() {
    Dataset<Row> data = TestData.blobs(spark, 2000, 3, 6, 4, 2);
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("6-8tanh-3softmax"))
        .mode(TrainingMode.SYNC).epochs(25)
        .optimizer(OptimizerSettings.builder().name(OptimizerName.fromToken("lbfgs")).l2(1e-4).build()).build();
    DnnTrainer.Fit fit = fit(data, columns(List.of("features"), List.of("label"), 0.2), config);
    assertTrue(metric(fit, "accuracy") >= 0.97, "L-BFGS accuracy " + metric(fit, "accuracy"));
    List<EpochMetrics> h = fit.result.history();
    assertTrue(h.get(h.size() - 1).trainLoss() < h.get(0).trainLoss(), "loss decreases");
  }

  /**
   * Sync mode assigns rows to rounds and dropout masks by row id, so 1 and 4 partitions give the
   * same model; only the order of float sums differs. Tolerance: 1e-4 on every weight after 6
   * Adam steps (measured: 6e-8). Local mode differs by 0.28 here, which shows the check bites.
   */
  @Test
  void oneAndFourPartitionsGiveTheSameModelInSyncMode() {
    Dataset<Row> data = TestData.blobs(spark, 3000, 4, 10, 2, 3).withColumn("label", concat(lit("c"), col("label")));
    TrainingConfig sync = TrainingConfig.builder(NetworkSpec.parse("10-16relu+dropout0.3-4softmax"))
        .mode(TrainingMode.SYNC).epochs(2).roundsPerEpoch(3).seed(5)
        .optimizer(OptimizerSettings.builder().learningRate(0.01).build()).build();
    float[] one = weights(data, 1, sync);
    float[] four = weights(data, 4, sync);
    double diff = FloatArrays.maxAbsDifference(one, four);
    assertTrue(diff <= 1e-4, "max weight difference " + diff);

    TrainingConfig local = sync.toBuilder().mode(TrainingMode.LOCAL).roundsPerEpoch(1).build();
    double localDiff = FloatArrays.maxAbsDifference(weights(data, 1, local), weights(data, 4, local));
    assertTrue(localDiff > 1e-3, "local mode depends on partitioning: " + localDiff);
  }

  private static float[] weights(Dataset<Row> data, int partitions, TrainingConfig config) {
    DataSettings settings = new DataSettings(List.of("features"), List.of("label"), List.of("id"),
        ScalingMode.STANDARD, BadRowPolicy.FAIL, partitions, 8192, 0.1);
    DnnModel model = fit(data, settings, config).model;
    return model.weights();
  }

  /** Early stopping stops after `patience` epochs without improvement and keeps the best weights. */
  @Test
  void earlyStoppingKeepsTheBestEpoch() {
    Dataset<Row> data = TestData.blobs(spark, 1500, 3, 6, 6, 2);
    // A learning rate high enough that validation loss stops improving quickly.
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("6-64relu-3softmax"))
        .epochs(40).patience(2).batchSize(16)
        .optimizer(OptimizerSettings.builder().learningRate(0.05).build()).build();
    DnnTrainer.Fit fit = fit(data, columns(List.of("features"), List.of("label"), 0.3), config);
    List<EpochMetrics> history = fit.result.history();
    assertTrue(history.size() < 40, "stopped early after " + history.size() + " epochs");
    int best = fit.result.bestEpoch();
    assertEquals(history.size() - 2, best, "stopped 2 epochs after the best");
    double bestLoss = history.get(best - 1).valLoss();
    for (EpochMetrics m : history) {
      assertTrue(m.valLoss() >= bestLoss);
    }
    EvaluationResult finalMetrics = fit.result.validationMetrics();
    assertEquals(bestLoss, finalMetrics.loss(), 1e-6,
        "the kept weights are the best epoch's");
  }

  /**
   * The final validation metrics are those of the weights returned — the best epoch's when early
   * stopping keeps it, else the last epoch's — taken from that epoch's validation, not from a job of
   * their own: an evaluation of the model's weights by a Spark job gives the same loss. With a local
   * master the validation rows, brought to the driver once, are evaluated there: no job ran to
   * validate an epoch, nor as "final validation".
   */
  @Test
  void finalValidationIsTheKeptEpochsAndNoJobOfItsOwn() throws InterruptedException {
    Dataset<Row> data = TestData.blobs(spark, 1200, 3, 6, 6, 2);
    java.util.List<String> jobs = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
        jobs.add(String.valueOf(start.properties().getProperty("spark.job.description")));
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      // min-delta 10: no epoch after the first improves on it, so early stopping keeps epoch 1 of 4.
      for (int patience : new int[] {0, 100}) {
        TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("6-16relu-3softmax"))
            .epochs(4).patience(patience).minDelta(10).batchSize(16)
            .optimizer(OptimizerSettings.builder().learningRate(0.01).build()).build();
        DnnTrainer.Fit fit = new DnnTrainer(columns(List.of("features"), List.of("label"), 0.3), config)
            .fit(data, null, "training data", null, null, TrainingListener.NONE);
        try {
          assertEquals(patience == 0 ? 4 : 1, fit.result.bestEpoch(), "the kept epoch");
          assertEquals(fit.result.history().get(fit.result.bestEpoch() - 1).valLoss(),
              fit.result.validationMetrics().loss(), 0.0, "the kept epoch's validation");
          io.sparkdnn.scoring.Evaluator evaluator = io.sparkdnn.scoring.Evaluator.of(fit.model, 256,
              io.sparkdnn.engine.BlasBackend.AUTO);
          double again = evaluator.evaluate(fit.packed.validation(),
              new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()).broadcast(fit.model.weights()), 1)
              .meanLoss();
          assertEquals(again, fit.result.validationMetrics().loss(), 1e-5 * Math.abs(again),
              "the validation of the weights returned");
        } finally {
          fit.packed.release();
        }
      }
      spark.sparkContext().setJobDescription("marker");
      spark.range(1).count();
      spark.sparkContext().setJobDescription(null);
      long deadline = System.nanoTime() + 120_000_000_000L; // the listener bus delivers in order: wait for the marker
      while (!jobs.contains("marker") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(jobs.contains("marker"), "the listener saw the jobs: " + jobs);
      assertTrue(jobs.stream().noneMatch(d -> d.contains("validation") && !d.startsWith("validation rows to the driver")),
          "jobs run: " + jobs);
      assertEquals(2, jobs.stream().filter(d -> d.startsWith("validation rows to the driver")).count(),
          "one collect of the validation rows per fit: " + jobs);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }
}
