package io.sparkdnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.results.EpochMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints: a crashed run resumes and ends where an uninterrupted one does. */
class CheckpointTest {
  private static final Dataset<Row> DATA = TestData.blobs(SparkTestSession.get(), 2000, 3, 8, 31, 2);
  private static final DataSettings SETTINGS = new DataSettings(List.of("features"), List.of("label"),
      List.of("id"), ScalingMode.STANDARD, BadRowPolicy.FAIL, 2, 8192, 0.2);
  @TempDir Path dir;

  private TrainingConfig config(String checkpoints) {
    return TrainingConfig.builder(NetworkSpec.parse("8-16tanh+dropout0.1-3softmax")).mode(TrainingMode.SYNC)
        .epochs(5).roundsPerEpoch(4).seed(3).checkpointDir(checkpoints)
        .optimizer(OptimizerSettings.builder().name(OptimizerName.fromToken("nesterov")).learningRate(0.05).schedule(ScheduleName.fromToken("cosine")).build())
        .build();
  }

  private static DnnTrainer.Fit fit(TrainingConfig config, TrainingListener listener) {
    DnnTrainer.Fit fit = new DnnTrainer(SETTINGS, config).fit(DATA, null, "training data", null, null, listener);
    fit.packed.release();
    return fit;
  }

  /** A listener that kills the run after {@code epoch} — as a driver crash would, mid-training. */
  private static TrainingListener crashAfter(int epoch) {
    return (m, s) -> {
      if (m.epoch() == epoch) {
        throw new IllegalStateException("simulated driver loss after epoch " + epoch);
      }
    };
  }

  /**
   * Sync mode is deterministic but for the order in which partition results are summed, so the
   * resumed run ends within 1e-5 of the uninterrupted one (measured here: 0).
   */
  @Test
  void resumedRunEndsWithTheUninterruptedWeights() {
    float[] uninterrupted = fit(config(null), TrainingListener.NONE).model.weights();
    String checkpoints = dir.resolve("ckpt").toString();
    assertThrows(IllegalStateException.class, () -> fit(config(checkpoints), crashAfter(3)));
    List<EpochMetrics> earlier = new ArrayList<>();
    TrainingListener seeing = new TrainingListener() {
      @Override
      public void onEpoch(EpochMetrics metrics, TrainingState state) {}

      @Override
      public void onResume(List<EpochMetrics> earlierEpochs, TrainingState state) {
        earlier.addAll(earlierEpochs);
      }
    };
    DnnTrainer.Fit resumed = fit(config(checkpoints), seeing);
    assertEquals(2, resumed.resumedEpochs, "epoch 3's checkpoint was never written");
    assertEquals(2, earlier.size(), "the metrics of epochs 1-2 come back");
    assertEquals(3, resumed.result.history().size(), "epochs 3-5 ran again");
    double diff = FloatArrays.maxAbsDifference(uninterrupted, resumed.model.weights());
    assertTrue(diff <= 1e-5, "max weight difference " + diff);
  }

  @Test
  void aCheckpointCutOffMidWriteIsSkippedForThePreviousOne() throws IOException {
    String checkpoints = dir.resolve("cut").toString();
    assertThrows(IllegalStateException.class, () -> fit(config(checkpoints), crashAfter(4)));
    List<Path> files = files(checkpoints);
    assertEquals(2, files.size(), "keeps the newest 2: " + files);
    Path newest = files.get(files.size() - 1);
    byte[] bytes = Files.readAllBytes(newest);
    Files.write(newest, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    DnnTrainer.Fit resumed = fit(config(checkpoints), TrainingListener.NONE);
    assertEquals(2, resumed.resumedEpochs, "epoch 3's checkpoint is damaged, epoch 2's is used");
    resumed.clearCheckpoints();
    assertEquals(0, files(checkpoints).size());
  }

  @Test
  void checkpointsOfAnotherConfigurationAreNotUsed() {
    String checkpoints = dir.resolve("other").toString();
    assertThrows(IllegalStateException.class, () -> fit(config(checkpoints), crashAfter(2)));
    TrainingConfig different = config(checkpoints).toBuilder()
        .optimizer(OptimizerSettings.builder().name(OptimizerName.fromToken("nesterov")).learningRate(0.01).schedule(ScheduleName.fromToken("cosine")).build())
        .build();
    DnnTrainer.Fit fresh = fit(different, TrainingListener.NONE);
    assertEquals(0, fresh.resumedEpochs);
    assertEquals(5, fresh.result.history().size());
  }

  private static List<Path> files(String dir) throws IOException {
    try (Stream<Path> s = Files.list(Path.of(dir))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".ckpt")).sorted().collect(Collectors.toList());
    }
  }
}
