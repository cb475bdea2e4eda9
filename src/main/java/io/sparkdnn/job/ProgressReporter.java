package io.sparkdnn.job;

import io.sparkdnn.model.ModelWriter;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.train.TrainingListener;
import io.sparkdnn.train.TrainingState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per epoch for people, one JSON record per epoch in metrics.jsonl for machines. */
public final class ProgressReporter implements TrainingListener {
  private static final Logger PROGRESS = LoggerFactory.getLogger("io.sparkdnn.progress");

  private final ModelWriter writer;
  private final List<EpochMetrics> epochs = new ArrayList<>();

  ProgressReporter(ModelWriter writer) {
    this.writer = writer;
  }

  @Override
  public void onEpoch(EpochMetrics m, TrainingState state) {
    PROGRESS.info(line(m));
    epochs.add(m);
    writeMetrics();
  }

  @Override
  public void onResume(List<EpochMetrics> earlierEpochs, TrainingState state) {
    epochs.addAll(earlierEpochs);
    writeMetrics(); // (the trainer logs the resume, naming the checkpoint file: not said twice)
  }

  private void writeMetrics() {
    List<String> lines = new ArrayList<>(epochs.size());
    for (EpochMetrics m : epochs) {
      lines.add(m.toJsonLine());
    }
    writer.writeMetrics(lines);
  }

  /** Every epoch so far, including epochs restored from a checkpoint. */
  List<EpochMetrics> epochs() {
    return List.copyOf(epochs);
  }

  /** The line printed for an epoch. */
  public static String line(EpochMetrics m) {
    StringBuilder sb = new StringBuilder();
    int digits = Integer.toString(m.epochs()).length();
    sb.append(String.format(Locale.ROOT, "epoch %" + digits + "d/%d  train_loss %.4f", m.epoch(), m.epochs(),
        m.trainLoss()));
    appendIfPresent(sb, "train_acc", m.trainAccuracy());
    appendIfPresent(sb, "val_loss", m.valLoss());
    appendIfPresent(sb, "val_acc", m.valAccuracy());
    appendIfPresent(sb, "val_rmse", m.valRmse());
    appendIfPresent(sb, "val_r2", m.valR2());
    sb.append(String.format(Locale.ROOT, "  %,.0f rows/s  %.2f s  elapsed %s  ETA %s",
        m.rowsPerSecond(), m.epochSeconds(), duration(m.elapsedSeconds()), duration(m.etaSeconds())));
    if (m.retries() > 0) {
      sb.append("  (divergence retries: ").append(m.retries()).append(')');
    }
    return sb.toString();
  }

  private static void appendIfPresent(StringBuilder sb, String name, double value) {
    if (!Double.isNaN(value)) {
      sb.append(String.format(Locale.ROOT, "  %s %.4f", name, value));
    }
  }

  /** Seconds as "12.3 s", "4:05" or "1:02:03". */
  public static String duration(double seconds) {
    if (Double.isNaN(seconds)) {
      return "?";
    }
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    return s < 3600
        ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
