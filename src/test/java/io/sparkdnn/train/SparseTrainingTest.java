package io.sparkdnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.SparseTestData;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.BlockPacker;
import io.sparkdnn.data.ColumnResolver;
import io.sparkdnn.data.DataException;
import io.sparkdnn.data.DataLayout;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.data.PackedData;
import io.sparkdnn.data.PackingOptions;
import io.sparkdnn.data.RowConverter;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on sparse rows: the layout auto chooses, the quality reached in both modes, parity with
 * the same rows packed dense, shipping touched rows against all rows, and checkpoints.
 */
class SparseTrainingTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final JavaSparkContext SC = JavaSparkContext.fromSparkContext(SPARK.sparkContext());
  private static final String[] CLASSES = {"0", "1", "2", "3"};
  @TempDir Path dir;

  private static DnnTrainer.Fit fit(Dataset<Row> data, DataSettings settings, TrainingConfig config,
      TrainingListener listener) {
    DnnTrainer.Fit fit = new DnnTrainer(settings, config).fit(data, null, "training data", null, null, listener);
    fit.packed.release();
    return fit;
  }

  /** The rows of {@code data} packed in {@code layout}, 2 partitions, 10% validation. */
  private static PackedData pack(Dataset<Row> data, DataLayout layout, NetworkSpec spec) {
    InputColumns columns = ColumnResolver.resolve(data, List.of("features"), List.of("label"), List.of(),
        Task.MULTICLASS, "data").withLayout(layout);
    RowConverter converter = new RowConverter(columns, Task.MULTICLASS, LabelIndex.identity(4), 1);
    return BlockPacker.pack(ColumnResolver.selectForPacking(data, columns), converter,
        PackingOptions.training(2, 8192, 0.1, 42, BadRowPolicy.FAIL), "data");
  }

  private static TrainingResult train(PackedData packed, TrainingConfig config, float[] initial, boolean shipAll) {
    return new DistributedTrainer(SC, config).shipAllFirstLayerRows(shipAll).train(packed,
        FeatureScaling.none(config.network().inputWidth()), TargetScaling.none(1), null, CLASSES, initial, null,
        TrainingListener.NONE);
  }

  @Test
  void localModeOnSparseVectorsChoosesSparseAndLearns() {
    Dataset<Row> data = SparseTestData.documents(SPARK, 3000, 4, 5000, 8, 1, 2);
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("5000-32relu-4softmax")).epochs(5).build();
    DnnTrainer.Fit fit = fit(data, DataSettings.builder().build(), config, TrainingListener.NONE);
    assertEquals(DataLayout.SPARSE, fit.model.columns().layout());
    assertTrue(fit.model.scaling().keepsZeros());
    double accuracy = fit.result.validationMetrics().accuracy();
    assertTrue(accuracy > 0.95, "validation accuracy " + accuracy);
  }

  @Test
  void syncModeOnSparseVectorsLearns() {
    Dataset<Row> data = SparseTestData.documents(SPARK, 3000, 4, 5000, 8, 2, 2);
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("5000-32relu-4softmax")).epochs(5)
        .mode(TrainingMode.SYNC).roundsPerEpoch(20).build();
    DnnTrainer.Fit fit = fit(data, DataSettings.builder().scaling(ScalingMode.MAXABS).build(), config,
        TrainingListener.NONE);
    double accuracy = fit.result.validationMetrics().accuracy();
    assertTrue(accuracy > 0.95, "validation accuracy " + accuracy);
  }

  /**
   * Sync mode, full batch: every input is used in every round, so the lazy step is the dense one
   * and the same rows packed dense or sparse train to the same weights (Adam with L2, dropout, 8
   * epochs), up to the order of float sums (dense gemm against CSR products).
   */
  @Test
  void sparseAndDensePackingTrainToTheSameWeightsInSyncMode() {
    NetworkSpec spec = NetworkSpec.parse("60-16relu+dropout0.2-4softmax");
    Dataset<Row> data = SparseTestData.documents(SPARK, 600, 4, 60, 30, 4, 3);
    TrainingConfig config = TrainingConfig.builder(spec).epochs(8).mode(TrainingMode.SYNC).patience(0).batchSize(64)
        .optimizer(OptimizerSettings.builder().learningRate(0.01).l2(0.001).build()).build();
    float[] initial = Initialization.AUTO.initialize(spec, 7);
    PackedData dense = pack(data, DataLayout.DENSE, spec);
    PackedData sparse = pack(data, DataLayout.SPARSE, spec);
    try {
      TrainingResult a = train(dense, config, initial, false);
      TrainingResult b = train(sparse, config, initial, false);
      double moved = FloatArrays.maxAbsDifference(initial, a.weights());
      double diff = FloatArrays.maxAbsDifference(a.weights(), b.weights());
      assertTrue(moved > 0.05, "training moved the weights by " + moved);
      assertTrue(diff < 1e-4, "dense and sparse weights differ by " + diff);
      assertEquals(a.history().get(7).trainLoss(), b.history().get(7).trainLoss(), 1e-5);
    } finally {
      dense.release();
      sparse.release();
    }
  }

  /**
   * Plain SGD in sync mini-batch rounds: not every input is used in every round, yet a zero
   * gradient moves nothing, so dense and sparse packing still give the same weights.
   */
  @Test
  void sgdRoundsThatTouchSomeInputsMatchDenseTraining() {
    NetworkSpec spec = NetworkSpec.parse("300-8tanh-4softmax");
    Dataset<Row> data = SparseTestData.documents(SPARK, 400, 4, 300, 5, 5, 2);
    TrainingConfig config = TrainingConfig.builder(spec).epochs(3).mode(TrainingMode.SYNC).roundsPerEpoch(10).batchSize(64)
        .patience(0).optimizer(OptimizerSettings.builder().name(OptimizerName.fromToken("sgd")).learningRate(0.5)
            .build()).build();
    float[] initial = Initialization.AUTO.initialize(spec, 8);
    PackedData dense = pack(data, DataLayout.DENSE, spec);
    PackedData sparse = pack(data, DataLayout.SPARSE, spec);
    try {
      TrainingResult a = train(dense, config, initial, false);
      TrainingResult b = train(sparse, config, initial, false);
      double diff = FloatArrays.maxAbsDifference(a.weights(), b.weights());
      assertTrue(FloatArrays.maxAbsDifference(initial, a.weights()) > 0.01);
      assertTrue(diff < 1e-5, "dense and sparse weights differ by " + diff);
    } finally {
      dense.release();
      sparse.release();
    }
  }

  /**
   * Local mode: partitions return only the first-layer rows of the inputs they used, and this
   * changes nothing against returning all of them (what a dense first layer returns).
   */
  @Test
  void shippingTouchedRowsGivesTheWeightsOfShippingAllRows() {
    NetworkSpec spec = NetworkSpec.parse("2000-16relu-4softmax");
    Dataset<Row> data = SparseTestData.documents(SPARK, 1500, 4, 2000, 6, 6, 2);
    TrainingConfig config = TrainingConfig.builder(spec).epochs(3).batchSize(32).patience(0).build();
    float[] initial = Initialization.AUTO.initialize(spec, 9);
    PackedData sparse = pack(data, DataLayout.SPARSE, spec);
    try {
      TrainingResult touched = train(sparse, config, initial, false);
      TrainingResult all = train(sparse, config, initial, true);
      assertArrayEquals(all.weights(), touched.weights());
      assertTrue(touched.validationMetrics().accuracy() > 0.7, "accuracy " + touched.validationMetrics().accuracy());
    } finally {
      sparse.release();
    }
  }

  /** A sparse run's checkpoints (weights held input-major) resume to the uninterrupted run's weights. */
  @Test
  void aResumedSparseRunEndsWithTheUninterruptedWeights() {
    Dataset<Row> data = SparseTestData.documents(SPARK, 1200, 4, 3000, 6, 7, 2);
    DataSettings settings = DataSettings.builder().scaling(ScalingMode.MAXABS).build();
    String checkpoints = dir.resolve("ckpt").toString();
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("3000-8relu-4softmax")).epochs(4)
        .mode(TrainingMode.SYNC).roundsPerEpoch(3).build();
    float[] uninterrupted = fit(data, settings, config, TrainingListener.NONE).model.weights();
    TrainingConfig withCheckpoints = config.toBuilder().checkpointDir(checkpoints).build();
    assertThrows(IllegalStateException.class, () -> fit(data, settings, withCheckpoints, (m, s) -> {
      if (m.epoch() == 2) {
        throw new IllegalStateException("simulated driver loss");
      }
    }));
    DnnTrainer.Fit resumed = fit(data, settings, withCheckpoints, TrainingListener.NONE);
    assertEquals(1, resumed.resumedEpochs);
    double diff = FloatArrays.maxAbsDifference(uninterrupted, resumed.model.weights());
    assertTrue(diff <= 1e-5, "max weight difference " + diff);
  }

  /**
   * Row weights reach sparse rows too: full-batch SGD on sparse rows where every fifth row weighs 2
   * gives the weights of the same rows with those duplicated, and evaluation counts them alike.
   */
  @Test
  void aSparseRowOfWeightTwoIsTheRowTwice() {
    Dataset<Row> data = SparseTestData.documents(SPARK, 600, 4, 3000, 6, 9, 2);
    Dataset<Row> weighted = data.withColumn("w", org.apache.spark.sql.functions.when(
        org.apache.spark.sql.functions.col("id").mod(5).equalTo(0), 2.0).otherwise(1.0));
    Dataset<Row> duplicated = data.unionByName(data.where(org.apache.spark.sql.functions.col("id").mod(5).equalTo(0)));
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("3000-8tanh-4softmax")).mode(TrainingMode.SYNC)
        .epochs(5).patience(0).optimizer(OptimizerSettings.builder().name(OptimizerName.SGD).learningRate(0.5).build())
        .build();
    DataSettings.Builder settings = DataSettings.builder().idColumns(List.of("id")).validationFraction(0)
        .scaling(ScalingMode.NONE);
    DnnTrainer.Fit byWeight = fit(weighted, settings.weightColumn("w").build(), config, TrainingListener.NONE);
    DnnTrainer.Fit byCopies = fit(duplicated, settings.weightColumn(null).build(), config, TrainingListener.NONE);
    assertEquals(DataLayout.SPARSE, byWeight.model.columns().layout());
    double diff = FloatArrays.maxAbsDifference(byWeight.model.weights(), byCopies.model.weights());
    assertTrue(diff <= 1e-5, "max weight difference " + diff);
    io.sparkdnn.results.EvaluationResult a = io.sparkdnn.scoring.ModelScoring.evaluate(byWeight.model, weighted, 2,
        BadRowPolicy.FAIL, io.sparkdnn.engine.BlasBackend.AUTO, "data", "w", 0.5f);
    io.sparkdnn.results.EvaluationResult b = io.sparkdnn.scoring.ModelScoring.evaluate(byWeight.model, duplicated, 2,
        BadRowPolicy.FAIL, io.sparkdnn.engine.BlasBackend.AUTO, "data", null, 0.5f);
    assertEquals(b.rows(), a.weight(), 1e-9);
    assertEquals(b.accuracy(), a.accuracy(), 1e-9);
    assertEquals(b.loss(), a.loss(), 1e-6);
  }

  @Test
  void standardScalingOfSparseRowsIsRefusedBeforeReadingThem() {
    Dataset<Row> data = SparseTestData.documents(SPARK, 300, 4, 3000, 6, 8, 2);
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("3000-8relu-4softmax")).epochs(1).build();
    DataException e = assertThrows(DataException.class, () -> fit(data,
        DataSettings.builder().scaling(ScalingMode.STANDARD).build(), config, TrainingListener.NONE));
    assertTrue(e.getMessage().startsWith("data.scaling = standard does not suit sparse rows: standard subtracts "
        + "each feature's mean, which turns every zero of a sparse row into a non-zero"), e.getMessage());
    assertTrue(e.getMessage().contains("standard-scale-only") && e.getMessage().contains("data.layout = dense"));
    DnnTrainer.Fit dense = fit(data, DataSettings.builder().scaling(ScalingMode.STANDARD).layout(DataLayout.DENSE)
        .build(), config, TrainingListener.NONE);
    assertEquals(DataLayout.DENSE, dense.model.columns().layout(), "dense packing takes standard scaling");
  }
}
