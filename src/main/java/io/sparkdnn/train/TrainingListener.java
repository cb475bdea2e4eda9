package io.sparkdnn.train;

/** Hears about training as it goes: progress output, metrics files, checkpoints. */
public interface TrainingListener {

  /** After each epoch, with the state the next epoch starts from. */
  void onEpoch(EpochMetrics metrics, TrainingState state);

  TrainingListener NONE = (metrics, state) -> {};
}
