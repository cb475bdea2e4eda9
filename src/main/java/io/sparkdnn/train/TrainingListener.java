package io.sparkdnn.train;

import io.sparkdnn.results.EpochMetrics;
import java.util.List;

/** Hears about training as it goes: progress output, metrics files, checkpoints. */
public interface TrainingListener {

  /** After each epoch, with the state the next epoch starts from. */
  void onEpoch(EpochMetrics metrics, TrainingState state);

  /**
   * Before training continues from a checkpoint: the metrics of the epochs already done, so that
   * the history stays whole.
   */
  default void onResume(List<EpochMetrics> earlierEpochs, TrainingState state) {}

  TrainingListener NONE = (metrics, state) -> {};
}
