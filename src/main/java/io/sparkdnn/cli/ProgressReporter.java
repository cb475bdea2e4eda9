package io.sparkdnn.cli;

import io.sparkdnn.model.ModelWriter;
import io.sparkdnn.train.EpochMetrics;
import io.sparkdnn.train.TrainingListener;
import io.sparkdnn.train.TrainingState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per epoch for people, one JSON record per epoch in metrics.jsonl for machines. */
final class ProgressReporter implements TrainingListener {
  private static final Logger PROGRESS = LoggerFactory.getLogger("io.sparkdnn.progress");

  private final ModelWriter writer;
  private final List<String> records = new ArrayList<>();

  ProgressReporter(ModelWriter writer) {
    this.writer = writer;
  }

  @Override
  public void onEpoch(EpochMetrics m, TrainingState state) {
    PROGRESS.info(line(m));
    records.add(m.toJsonLine());
    writer.writeMetrics(records);
  }

  @Override
  public void onResume(List<String> earlierEpochs, TrainingState state) {
    records.addAll(earlierEpochs);
    writer.writeMetrics(records);
    PROGRESS.info("resumed after epoch {} from a checkpoint", state.epochsDone());
  }

  /** The metrics.jsonl records so far (including epochs restored from a checkpoint). */
  List<String> records() {
    return new ArrayList<>(records);
  }

  static String line(EpochMetrics m) {
    StringBuilder sb = new StringBuilder();
    int digits = Integer.toString(m.epochs).length();
    sb.append(String.format(Locale.ROOT, "epoch %" + digits + "d/%d  train_loss %.4f", m.epoch, m.epochs, m.trainLoss));
    if (!Double.isNaN(m.trainAccuracy)) {
      sb.append(String.format(Locale.ROOT, "  train_acc %.4f", m.trainAccuracy));
    }
    for (String name : new String[] {"val_loss", "val_accuracy", "val_rmse", "val_r2"}) {
      Double v = m.validation.get(name);
      if (v != null) {
        sb.append(String.format(Locale.ROOT, "  %s %.4f", name.replace("accuracy", "acc"), v));
      }
    }
    sb.append(String.format(Locale.ROOT, "  %,.0f rows/s  %.2f s  elapsed %s  ETA %s",
        m.rowsPerSecond(), m.epochSeconds, duration(m.elapsedSeconds), duration(m.etaSeconds)));
    if (m.retries > 0) {
      sb.append("  (divergence retries: ").append(m.retries).append(')');
    }
    return sb.toString();
  }

  static String duration(double seconds) {
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    return s < 3600
        ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
