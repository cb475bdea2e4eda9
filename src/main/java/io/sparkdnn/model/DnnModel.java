package io.sparkdnn.model;

import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import java.io.Serializable;
import java.util.Objects;

/**
 * A trained network with everything needed to use it on new data: the spec and flat weights
 * ({@link NetworkSpec}'s layout), the feature columns and their scaling, the classes, and the record
 * of how it was trained. Immutable, and free of Spark: saved and loaded by {@link ModelFormat}
 * (files by {@link ModelWriter} / {@link ModelReader}); the Spark jobs that predict and evaluate
 * with it are in {@code io.sparkdnn.scoring}.
 */
public final class DnnModel implements Serializable {
  private static final long serialVersionUID = 2L;

  private final NetworkSpec spec;
  private final Task task;
  private final float[] weights;
  private final InputColumns columns;
  private final FeatureScaling scaling;
  private final TargetScaling targetScaling;
  private final LabelIndex labels;
  private final TrainingRecord record;

  /**
   * @param weights the parameters, {@link NetworkSpec#parameterCount()} floats (copied)
   * @param targetScaling how the targets were standardised for training (regression), undone on
   *     every output; {@link TargetScaling#none} otherwise
   * @param labels classes (multi-class, binary) or label names (multi-label); null for regression
   * @throws IllegalArgumentException when the weights, the feature width or the target scaling do
   *     not fit the spec
   */
  public DnnModel(NetworkSpec spec, Task task, float[] weights, InputColumns columns,
      FeatureScaling scaling, TargetScaling targetScaling, LabelIndex labels, TrainingRecord record) {
    spec.checkParameters(weights, "model weights");
    if (columns.width() != spec.inputWidth()) {
      throw new IllegalArgumentException("features are " + columns.width() + " wide but network "
          + spec + " takes " + spec.inputWidth() + " inputs");
    }
    if (scaling.width() != columns.width()) {
      throw new IllegalArgumentException("feature scaling has " + scaling.width() + " values but the features are "
          + columns.width() + " wide");
    }
    if (!targetScaling.isIdentity() && (task != Task.REGRESSION || targetScaling.width() != spec.outputWidth())) {
      throw new IllegalArgumentException("target scaling applies to the " + spec.outputWidth()
          + " outputs of a regression network; this is " + task.token() + " with " + targetScaling.width()
          + " scaled targets");
    }
    this.spec = spec;
    this.targetScaling = targetScaling;
    this.task = Objects.requireNonNull(task, "task");
    this.weights = weights.clone();
    this.columns = columns;
    this.scaling = scaling;
    this.labels = labels;
    this.record = Objects.requireNonNull(record, "record");
  }

  public NetworkSpec spec() {
    return spec;
  }

  public Task task() {
    return task;
  }

  /** A copy of the parameters. */
  public float[] weights() {
    return weights.clone();
  }

  public InputColumns columns() {
    return columns;
  }

  public FeatureScaling scaling() {
    return scaling;
  }

  /** How regression targets were standardised for training; identity for other tasks. */
  public TargetScaling targetScaling() {
    return targetScaling;
  }

  /** Classes or label names in output order; null for regression. */
  public LabelIndex labels() {
    return labels;
  }

  public String[] classNames() {
    return labels == null ? null : labels.labels();
  }

  /** How this model was trained: configuration, metrics, row counts, store decision, … */
  public TrainingRecord record() {
    return record;
  }

  /** This model with another training record (e.g. with its test metrics added). */
  public DnnModel withRecord(TrainingRecord newRecord) {
    return new DnnModel(spec, task, weights, columns, scaling, targetScaling, labels, newRecord);
  }

  /** Target floats per row in packed data. */
  public int targetWidth() {
    return task.targetWidth(spec);
  }

  /** Number of classes (or labels) that metrics count; outputs for regression. */
  public int classCount() {
    return labels == null ? spec.outputWidth() : labels.size();
  }
}
