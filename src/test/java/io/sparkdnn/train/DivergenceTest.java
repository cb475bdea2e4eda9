package io.sparkdnn.train;

import io.sparkdnn.results.EpochMetrics;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.NetworkSpec;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** NaN or infinite values stop the update, keep the last good weights, and retry or stop. */
class DivergenceTest {
  private final Dataset<Row> data = TestData.blobs(SparkTestSession.get(), 1200, 3, 6, 12, 2);
  private final DataSettings settings = new DataSettings(List.of("features"), List.of("label"), List.of("id"),
      ScalingMode.NONE, BadRowPolicy.FAIL, 2, 8192, 0.2);

  private static TrainingConfig.Builder exploding(TrainingMode mode) {
    // Plain SGD with a learning rate of 10^8 on unscaled features overflows within a round or two.
    return TrainingConfig.builder(NetworkSpec.parse("6-16relu-3softmax")).mode(mode).epochs(3)
        .roundsPerEpoch(mode == TrainingMode.SYNC ? 4 : 1)
        .optimizer(OptimizerSettings.builder().name(OptimizerName.fromToken("sgd")).learningRate(1e8).build());
  }

  private DnnTrainer.Fit fit(TrainingConfig config) {
    return new DnnTrainer(settings, config).fit(data, null, "training data", null, null, TrainingListener.NONE);
  }

  @Test
  void stopsAfterTheConfiguredRetriesNamingThePartitions() {
    for (TrainingMode mode : TrainingMode.values()) {
      DivergenceException e = assertThrows(DivergenceException.class,
          () -> fit(exploding(mode).maxRetries(2).build()));
      // NaN in a partition is named by partition; a loss that grows past 1000× the first round's is
      // caught by the same guard, often a round before it overflows.
      assertTrue(e.getMessage().matches("(?s).*partitions? [0-9, ]+ produced NaN or infinite values.*")
          || e.getMessage().contains("overflowed") || e.getMessage().contains("the loss exploded to"), e.getMessage());
      assertTrue(e.getMessage().contains("stopped after 2 retries"), e.getMessage());
      assertTrue(e.getMessage().contains("lower training.optimizer.learning-rate"), e.getMessage());
    }
  }

  @Test
  void failActionStopsAtOnce() {
    DivergenceException e = assertThrows(DivergenceException.class,
        () -> fit(exploding(TrainingMode.LOCAL).divergenceAction(DivergenceAction.FAIL).build()));
    assertTrue(e.getMessage().contains("stopped after 0 retries"), e.getMessage());
  }

  /** With a strong back-off the retried learning rate is sane, and training recovers. */
  @Test
  void recoversWithALowerLearningRate() {
    for (TrainingMode mode : TrainingMode.values()) {
      DnnTrainer.Fit fit = fit(exploding(mode).epochs(4).divergenceFactor(1e-9).maxRetries(3).build());
      fit.packed.release();
      EpochMetrics last = fit.result.history().get(fit.result.history().size() - 1);
      assertTrue(last.retries() >= 1, mode + ": a retry happened");
      assertTrue(Double.isFinite(last.trainLoss()), mode + ": finite loss " + last.trainLoss());
      double accuracy = fit.result.validationMetrics().accuracy();
      // Chance is 1/3; sync mode has only ~15 global steps left after the back-off.
      assertTrue(accuracy > 0.8, mode + ": accuracy after recovering " + accuracy);
    }
  }

  /**
   * Full-batch gradient descent on a linear model with a learning rate past 2/λ grows the error
   * geometrically: every loss stays finite (no NaN to catch), yet it is divergence. Stopping says so
   * and writes nothing; retrying with half the rate converges.
   */
  @Test
  void aFiniteButExplodingLossIsDivergenceToo() {
    Dataset<Row> linear = TestData.regression(SparkTestSession.get(), 1500, 3);
    DataSettings regression = new DataSettings(List.of("features"), List.of("y1"), List.of(), ScalingMode.STANDARD,
        BadRowPolicy.FAIL, 2, 8192, 0.2);
    TrainingConfig.Builder config = TrainingConfig.builder(NetworkSpec.parse("3-1identity")).mode(TrainingMode.SYNC)
        .epochs(40).roundsPerEpoch(1).patience(0)
        .optimizer(OptimizerSettings.builder().name(OptimizerName.SGD).learningRate(3.0).build());
    DivergenceException e = assertThrows(DivergenceException.class, () -> new DnnTrainer(regression,
        config.divergenceAction(DivergenceAction.FAIL).build()).fit(linear, null, "data", null, null,
        TrainingListener.NONE));
    assertTrue(e.getMessage().contains("the loss exploded to"), e.getMessage());
    assertTrue(e.getMessage().contains("no model was written"), e.getMessage());

    DnnTrainer.Fit recovered = new DnnTrainer(regression, config.divergenceAction(DivergenceAction.RETRY)
        .divergenceFactor(0.3).build()).fit(linear, null, "data", null, null, TrainingListener.NONE);
    recovered.packed.release();
    EpochMetrics last = recovered.result.history().get(recovered.result.history().size() - 1);
    assertTrue(last.retries() >= 1, "a retry happened");
    assertTrue(last.valLoss() < 0.5, "converged after backing off: val_loss " + last.valLoss());
  }

  /**
   * A training row whose features overflow the network at any weights (3e38 in every feature,
   * unscaled) is the row's fault, not the learning rate's: training and the range test name the
   * row, in both modes and for softmax and sigmoid outputs (a sigmoid saturates an infinite logit to
   * a finite 0 or 1), instead of retrying smaller rates or suggesting one.
   */
  @Test
  void aRowTheNetworkOverflowsOnIsNamedNotBlamedOnTheLearningRate() {
    DataSettings noValidation = new DataSettings(List.of("features"), List.of("label"), List.of("id"),
        ScalingMode.NONE, BadRowPolicy.FAIL, 2, 8192, 0.0);
    for (String network : new String[] {"6-16relu-3softmax", "6-8relu-1sigmoid"}) {
      int classes = network.endsWith("sigmoid") ? 2 : 3;
      Dataset<Row> poisoned = TestData.blobs(SparkTestSession.get(), 300, classes, 6, 12, 2)
          .withColumn("features", org.apache.spark.sql.functions.when(org.apache.spark.sql.functions.expr("id = 77"),
              org.apache.spark.sql.functions.expr("array(3e38F, 3e38F, 3e38F, 3e38F, 3e38F, 3e38F)"))
              .otherwise(org.apache.spark.sql.functions.col("features")))
          .cache();
      List<Row> inOrder = poisoned.collectAsList(); // the order packing reads the rows in
      int position = 0;
      while (inOrder.get(position).getInt(inOrder.get(position).fieldIndex("id")) != 77) {
        position++;
      }
      String named = "row " + (position + 1) + ": its features give the network a NaN or infinite output at ";
      for (TrainingMode mode : TrainingMode.values()) {
        TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse(network)).mode(mode).epochs(2)
            .roundsPerEpoch(2).optimizer(OptimizerSettings.builder().name(OptimizerName.fromToken("adam"))
                .learningRate(1e-3).build()).build();
        io.sparkdnn.data.DataException training = assertThrows(io.sparkdnn.data.DataException.class,
            () -> new DnnTrainer(noValidation, config).fit(poisoned, null, "training data", null, null,
                TrainingListener.NONE));
        String where = network + " " + mode + ": " + training.getMessage();
        // at the weights of the first failed round, or (when a round went well before) the initial ones
        assertTrue(training.getMessage().startsWith("training data: " + named + "the weights epoch 1/2 · round ")
            || training.getMessage().startsWith("training data: " + named + "the initial weights, "), where);
        assertTrue(training.getMessage().contains(", where 299 of the 300 training rows' outputs are finite"), where);
        assertTrue(training.getMessage().contains("a smaller learning rate will not help"), where);
        if (mode == TrainingMode.SYNC) { // L-BFGS, whose line search starts from an objective that is not finite
          TrainingConfig lbfgs = config.toBuilder().roundsPerEpoch(1).optimizer(OptimizerSettings.builder()
              .name(OptimizerName.fromToken("lbfgs")).build()).build();
          io.sparkdnn.data.DataException byLbfgs = assertThrows(io.sparkdnn.data.DataException.class,
              () -> new DnnTrainer(noValidation, lbfgs).fit(poisoned, null, "training data", null, null,
                  TrainingListener.NONE));
          assertTrue(byLbfgs.getMessage().startsWith("training data: " + named + "the weights epoch 1/2 started from"),
              network + " L-BFGS: " + byLbfgs.getMessage());
        }
        io.sparkdnn.data.DataException range = assertThrows(io.sparkdnn.data.DataException.class,
            () -> new DnnTrainer(noValidation, config).findLearningRate(poisoned, null, "training data", null,
                RangeTestSettings.builder().steps(20).build()));
        assertTrue(range.getMessage().startsWith("training data: " + named
            + "the initial weights of the range test"), network + " " + mode + ": " + range.getMessage());
      }
      poisoned.unpersist();
    }
  }

  /**
   * A row with finite but huge features (1e30, unscaled): its loss is finite, about 1e30 against
   * about 1 for the rest, and its gradient throws plain SGD's weights where every loss is huge or
   * NaN. Training and the range test name the row by that loss, not the learning rate.
   */
  @Test
  void aRowWhoseLossDwarfsTheRestIsNamedToo() {
    DataSettings noValidation = new DataSettings(List.of("features"), List.of("label"), List.of("id"),
        ScalingMode.NONE, BadRowPolicy.FAIL, 2, 8192, 0.0);
    Dataset<Row> poisoned = TestData.blobs(SparkTestSession.get(), 300, 3, 6, 12, 2)
        .withColumn("features", org.apache.spark.sql.functions.when(org.apache.spark.sql.functions.expr("id = 77"),
            org.apache.spark.sql.functions.expr("array(1e30F, 1e30F, 1e30F, 1e30F, 1e30F, 1e30F)"))
            .otherwise(org.apache.spark.sql.functions.col("features")))
        .cache();
    List<Row> inOrder = poisoned.collectAsList();
    int position = 0;
    while (inOrder.get(position).getInt(inOrder.get(position).fieldIndex("id")) != 77) {
      position++;
    }
    String named = "training data: row " + (position + 1) + ": its features give the network a loss of ";
    for (TrainingMode mode : TrainingMode.values()) {
      TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("6-16relu-3softmax")).mode(mode).epochs(3)
          .roundsPerEpoch(2).optimizer(OptimizerSettings.builder().name(OptimizerName.SGD).learningRate(0.01).build())
          .build();
      io.sparkdnn.data.DataException training = assertThrows(io.sparkdnn.data.DataException.class,
          () -> new DnnTrainer(noValidation, config).fit(poisoned, null, "training data", null, null,
              TrainingListener.NONE));
      assertTrue(training.getMessage().startsWith(named), mode + ": " + training.getMessage());
      assertTrue(training.getMessage().contains("over 1000 times the "), mode + ": " + training.getMessage());
      io.sparkdnn.data.DataException range = assertThrows(io.sparkdnn.data.DataException.class,
          () -> new DnnTrainer(noValidation, config).findLearningRate(poisoned, null, "training data", null,
              RangeTestSettings.builder().steps(20).build()));
      assertTrue(range.getMessage().startsWith(named), mode + ": " + range.getMessage());
      assertTrue(range.getMessage().contains(" at the initial weights of the range test, over 1000 times"),
          mode + ": " + range.getMessage());
    }
    poisoned.unpersist();
  }

  /**
   * One huge feature (1e30 in the first of six, unscaled), with either label: for one of them the
   * row's class wins by about 1e30, a loss of 0, yet the range test ends where its batch comes. The
   * row's logits dwarf the others', and it is named by them (by its loss with the other label).
   */
  @Test
  void aRowWhoseLogitsDwarfTheRestIsNamedByTheRangeTest() {
    DataSettings noValidation = new DataSettings(List.of("features"), List.of("label"), List.of("id"),
        ScalingMode.NONE, BadRowPolicy.FAIL, 2, 8192, 0.0);
    for (int label = 0; label < 2; label++) {
      Dataset<Row> poisoned = TestData.blobs(SparkTestSession.get(), 300, 2, 6, 12, 2)
          .withColumn("features", org.apache.spark.sql.functions.when(org.apache.spark.sql.functions.expr("id = 77"),
              org.apache.spark.sql.functions.expr("array(1e30F, 0F, 0F, 0F, 0F, 0F)"))
              .otherwise(org.apache.spark.sql.functions.col("features")))
          .withColumn("label", org.apache.spark.sql.functions.when(org.apache.spark.sql.functions.expr("id = 77"),
              org.apache.spark.sql.functions.lit(label)).otherwise(org.apache.spark.sql.functions.col("label")))
          .cache();
      List<Row> inOrder = poisoned.collectAsList();
      int position = 0;
      while (inOrder.get(position).getInt(inOrder.get(position).fieldIndex("id")) != 77) {
        position++;
      }
      TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("6-8relu-2softmax"))
          .mode(TrainingMode.LOCAL).epochs(2)
          .optimizer(OptimizerSettings.builder().name(OptimizerName.fromToken("adam")).build()).build();
      io.sparkdnn.data.DataException range = assertThrows(io.sparkdnn.data.DataException.class,
          () -> new DnnTrainer(noValidation, config).findLearningRate(poisoned, null, "training data", null,
              RangeTestSettings.builder().steps(30).build()), "label " + label);
      assertTrue(range.getMessage().startsWith("training data: row " + (position + 1) + ": its features give the "
          + "network "), range.getMessage());
      assertTrue(range.getMessage().contains("at the initial weights of the range test"), range.getMessage());
      poisoned.unpersist();
    }
  }
}
