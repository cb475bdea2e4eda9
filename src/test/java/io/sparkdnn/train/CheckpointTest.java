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
import io.sparkdnn.files.FaultyFileSystem;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.results.EpochMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
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

  @AfterEach
  void reset() {
    FaultyFileSystem.reset();
  }

  private static DnnTrainer.Fit fit(TrainingConfig config, TrainingListener listener) {
    return fit(DATA, config, listener);
  }

  private static DnnTrainer.Fit fit(Dataset<Row> data, TrainingConfig config, TrainingListener listener) {
    DnnTrainer.Fit fit = new DnnTrainer(SETTINGS, config).fit(data, null, "training data", null, null, listener);
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

  /**
   * New data written to the same path after a crash is not resumed from the old data's
   * checkpoint — same row count, same settings: only the file listing tells them apart — and the
   * run on the new data can itself be resumed, though the old data's checkpoints had higher
   * epoch numbers (they are deleted once the new run has its own).
   */
  @Test
  void newDataAtTheSamePathStartsAfresh() throws IOException {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve("data.parquet").toString();
    DATA.write().parquet(path);
    String checkpoints = dir.resolve("same-path").toString();
    assertThrows(IllegalStateException.class, () -> fit(spark.read().parquet(path), config(checkpoints), crashAfter(5)));

    TestData.blobs(spark, 2000, 3, 8, 32, 2).write().mode(SaveMode.Overwrite).parquet(path);
    AtomicBoolean resumed = new AtomicBoolean();
    TrainingListener crashingAfter3 = new TrainingListener() {
      @Override
      public void onEpoch(EpochMetrics metrics, TrainingState state) {
        crashAfter(3).onEpoch(metrics, state);
      }

      @Override
      public void onResume(List<EpochMetrics> earlierEpochs, TrainingState state) {
        resumed.set(true);
      }
    };
    assertThrows(IllegalStateException.class, () -> fit(spark.read().parquet(path), config(checkpoints),
        crashingAfter3));
    assertTrue(!resumed.get(), "the old data's checkpoint after epoch 4 was not resumed");
    assertEquals(List.of("epoch-000001.ckpt", "epoch-000002.ckpt"), files(checkpoints).stream()
        .map(p -> p.getFileName().toString()).collect(Collectors.toList()), "the old data's 3 and 4 are deleted");

    DnnTrainer.Fit again = fit(spark.read().parquet(path), config(checkpoints), TrainingListener.NONE);
    assertEquals(2, again.resumedEpochs, "unchanged data resumes from its own newest checkpoint");
    assertEquals(3, again.result.history().size());
  }

  @Test
  void theLogSaysWhichPartOfTheIdentityDiffered() {
    Map<String, String> was = new LinkedHashMap<>();
    was.put("training.epochs", "5");
    was.put("training data", "training data (data.train.path=/d): 2 files, 100 bytes, newest modified "
        + "2026-12-01T10:00:00Z, listing aa");
    was.put("rows", "training 80, validation 20, skipped 0");
    Map<String, String> now = new LinkedHashMap<>(was);
    now.put("training data", "training data (data.train.path=/d): 2 files, 120 bytes, newest modified "
        + "2026-12-02T10:00:00Z, listing bb");
    assertEquals("the training data changed (was training data (data.train.path=/d): 2 files, 100 bytes, newest "
        + "modified 2026-12-01T10:00:00Z, listing aa; now training data (data.train.path=/d): 2 files, 120 bytes, "
        + "newest modified 2026-12-02T10:00:00Z, listing bb)", Checkpoints.differences(was, now));
    now.put("rows", "training 96, validation 24, skipped 0");
    now.put("training.epochs", "8");
    assertTrue(Checkpoints.differences(was, now).startsWith("training.epochs was 5, now 8, the training data "
        + "changed"), Checkpoints.differences(was, now));
    assertTrue(Checkpoints.differences(was, now).endsWith("the row counts changed (was training 80, validation 20, "
        + "skipped 0; now training 96, validation 24, skipped 0)"));
    assertEquals("it was written by an older spark-dnn, which identified runs differently",
        Checkpoints.differences(Checkpoints.decode("8-16tanh-3softmax#0123456789abcdef"), now));
  }

  /**
   * A full disk mid-checkpoint: one clear error naming the file, and no 0-byte .tmp left behind;
   * nor is one that a killed writer left, once the next run writes.
   */
  @Test
  void aFailedCheckpointWriteLeavesNoTemporaryFile() throws IOException {
    Path full = dir.resolve("full");
    Checkpoints checkpoints = new Checkpoints(FaultyFileSystem.uri(full), Map.of("training.epochs", "5"), 2,
        FaultyFileSystem.configuration());
    TrainingState state = new TrainingState();
    state.epochsDone = 3;
    state.weights = new float[] {1f, 2f, 3f};
    FaultyFileSystem.failWrites(p -> p.getName().endsWith(".tmp"), FaultyFileSystem::diskFull);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> checkpoints.write(state, List.of()));
    assertEquals("cannot write the checkpoint of epoch 3 to " + FaultyFileSystem.uri(full) + "/epoch-000003.ckpt "
        + "(checkpoint.dir): No space left on device; free space on that filesystem, or set checkpoint.dir "
        + "elsewhere (or leave it unset to train without checkpoints)", e.getMessage());
    try (Stream<Path> left = Files.list(full)) {
      assertEquals(List.of(), left.collect(Collectors.toList()), "the 0-byte temporary file is deleted");
    }

    FaultyFileSystem.reset();
    Files.writeString(full.resolve(".epoch-000009.ckpt.tmp"), "cut off when its writer was killed");
    checkpoints.write(state, List.of());
    assertEquals(3, checkpoints.latest().state.epochsDone(), "the same directory works once there is space");
    try (Stream<Path> left = Files.list(full)) {
      assertEquals(List.of("epoch-000003.ckpt"), left.map(p -> p.getFileName().toString())
          .collect(Collectors.toList()), "a killed writer's temporary file is deleted by the next run's first write");
    }
  }

  private static List<Path> files(String dir) throws IOException {
    try (Stream<Path> s = Files.list(Path.of(dir))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".ckpt")).sorted().collect(Collectors.toList());
    }
  }

  /**
   * A run that stopped early wrote its last checkpoint and died before writing the model: resumed,
   * it trains nothing and its record says what the uninterrupted run's says — the same stop reason
   * and the same final epoch (which then comes from the checkpoint's history).
   */
  @Test
  void resumedAfterAnEarlyStopRecordsWhatTheStoppedRunDid() {
    String checkpoints = dir.resolve("ckpt-stopped").toString();
    // min-delta 10: no epoch after the first improves on it, so patience 2 stops after epoch 3.
    TrainingConfig stopping = config(checkpoints).toBuilder().epochs(8).patience(2).minDelta(10).build();
    DnnTrainer.Fit stopped = fit(stopping, TrainingListener.NONE);
    assertEquals(3, stopped.result.state().epochsDone(), stopped.result.stopReason());
    DnnTrainer.Fit resumed = fit(stopping.toBuilder().resume(true).build(), TrainingListener.NONE);
    assertEquals(3, resumed.resumedEpochs, "resumed after the stopping epoch");
    assertEquals(stopped.model.record().stopReason(), resumed.model.record().stopReason());
    assertTrue(resumed.model.record().stopReason().startsWith("stopped early after epoch 3"),
        resumed.model.record().stopReason());
    assertEquals(stopped.model.record().finalEpoch().toJson().toString(),
        resumed.model.record().finalEpoch().toJson().toString(), "the final epoch's metrics");
    assertEquals(1, resumed.model.record().bestEpoch());
    assertTrue(java.util.Arrays.equals(stopped.model.weights(), resumed.model.weights()), "the kept epoch's weights");
  }
}
