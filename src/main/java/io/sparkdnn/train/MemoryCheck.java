package io.sparkdnn.train;

import io.sparkdnn.engine.LayerSpec;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a network fits in memory, checked before any data is read: a 10,000-class softmax runs
 * the driver out of memory an hour into a job, and a 65,536-class one overflows an array index in
 * its confusion matrix. The estimate counts what the training loop holds: on the driver the
 * parameter-sized vectors of the update (weights, previous and best weights, broadcast copy,
 * gradient, optimiser state) and the merged confusion matrices; in each task its copy of the
 * weights, gradient or weight change, optimiser state, the engine's workspaces for a batch, and its
 * confusion matrix. It is a lower bound (Spark's own buffers come on top); the check refuses only
 * what cannot fit, naming what to change.
 */
final class MemoryCheck {
  /** Share of an executor's heap left to tasks' objects by Spark's unified memory (1 − spark.memory.fraction). */
  static final double USER_SHARE = 0.4;

  private MemoryCheck() {}

  /** Bytes of the parts of one estimate, for the message. */
  static final class Estimate {
    final List<String> parts = new ArrayList<>();
    long bytes;

    void add(String what, long b) {
      if (b > 0) {
        bytes += b;
        parts.add(what + " " + gib(b));
      }
    }
  }

  /**
   * @param classes classes (or labels) that metrics count; outputs for regression
   * @param stateVectors optimiser state vectors per parameter (Adam 2, momentum 1, SGD 0, L-BFGS 2·memory + 4)
   * @param driverHeap the driver's usable heap, bytes
   * @param taskHeap the heap one task may use, bytes
   * @throws IllegalArgumentException when the network cannot fit, with the estimate and what to change
   */
  static void check(NetworkSpec spec, Task task, int classes, int stateVectors, boolean localMode, int batchRows,
      long driverHeap, long taskHeap, String taskHeapSource) {
    check(spec, task, classes, stateVectors, localMode, batchRows, driverHeap, taskHeap, taskHeapSource, -1);
  }

  /**
   * @param taskInputs −1 for dense rows; for sparse rows (CSR), how many inputs one task's rows of a
   *     round can use at most, or 0 when not known yet (before packing; then only the driver and the
   *     workspaces are checked): a task holds no dense batch of rows × I floats, but its copies of
   *     the weights, gradient and optimiser state hold the first-layer rows of those inputs and the
   *     later layers, with a start copy of the weights and state in local mode (to return changes),
   *     plus a map of I ints from inputs to those rows
   */
  static void check(NetworkSpec spec, Task task, int classes, int stateVectors, boolean localMode, int batchRows,
      long driverHeap, long taskHeap, String taskHeapSource, long taskInputs) {
    boolean sparseInput = taskInputs >= 0;
    long cells = confusionCells(task, classes);
    if (cells > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("network " + spec + " has " + classes + " classes: its confusion matrix of "
          + classes + " × " + classes + " counts cannot be held in one array (and would take " + gib(8 * cells)
          + "); a classifier of this size is rarely what is meant — check data.label (an id or a continuous target "
          + "calls for another column or a regression network)");
    }
    long vector = 4L * spec.parameterCount();
    Estimate driver = new Estimate();
    driver.add("weights, previous, best and broadcast copies and the gradient", 5 * vector);
    driver.add("optimiser state", 2L * stateVectors * vector);
    driver.add("confusion matrices", 3 * 8 * cells);
    Estimate perTask = new Estimate();
    if (sparseInput) {
      long compact = 4L * (Math.min(taskInputs, spec.inputWidth()) * spec.layer(0).width()
          + spec.parameterCount() - spec.biasOffset(0));
      String rows = " (first-layer rows of up to " + Math.min(taskInputs, spec.inputWidth()) + " inputs and the rest)";
      perTask.add((localMode ? "weights and their start copy, gradient" : "weights, gradient") + rows,
          taskInputs == 0 ? 0 : (localMode ? 3 : 2) * compact);
      perTask.add("optimiser state and its start copy", taskInputs == 0 || !localMode ? 0 : 2L * stateVectors * compact);
      perTask.add("workspaces for " + batchRows + " sparse rows", sparseWorkspaceBytes(spec, batchRows));
    } else {
      perTask.add("weights", vector);
      perTask.add(localMode ? "weight change" : "gradient", vector);
      perTask.add("optimiser state", localMode ? 2L * stateVectors * vector : 0);
      perTask.add("workspaces for " + batchRows + " rows", workspaceBytes(spec, batchRows));
    }
    perTask.add("confusion matrix", 2 * 8 * cells);
    refuseIfOver(spec, "the driver", driver, driverHeap, "the driver's memory (spark.driver.memory, or "
        + "DNN_DRIVER_MEMORY for scripts/dnn)");
    refuseIfOver(spec, "each task", perTask, taskHeap, taskHeapSource);
  }

  static long confusionCells(Task task, int classes) {
    switch (task) {
      case MULTICLASS:
      case BINARY:
        return (long) classes * classes;
      case MULTILABEL:
        return 4L * classes;
      default:
        return 0;
    }
  }

  /** Activations and deltas per layer (and dropout masks), plus the batch itself, in float32. */
  static long workspaceBytes(NetworkSpec spec, int rows) {
    long floats = (long) rows * spec.inputWidth() + (long) rows * spec.outputWidth();
    for (int l = 0; l < spec.layerCount(); l++) {
      LayerSpec layer = spec.layer(l);
      floats += (long) rows * layer.width() * (layer.dropout() > 0f ? 4 : 2);
    }
    return 4 * floats;
  }

  /**
   * The engine's workspaces for sparse rows: activations and deltas, the CSR batch (64 non-zeros a
   * row to start with), and the map from inputs to the task's first-layer rows.
   */
  static long sparseWorkspaceBytes(NetworkSpec spec, int rows) {
    long bytes = workspaceBytes(spec, rows) - 4L * rows * spec.inputWidth();
    return bytes + 8L * rows * 64 + 4L * spec.inputWidth();
  }

  private static void refuseIfOver(NetworkSpec spec, String where, Estimate e, long available, String raise) {
    if (e.bytes > available) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "network %s needs at least %s in %s (%s) but %s has about %s; make the network smaller, or raise %s",
          spec, gib(e.bytes), where, String.join(", ", e.parts), where, gib(available), raise));
    }
  }

  static String gib(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
    return String.format(Locale.ROOT, "%.0f MiB", Math.max(1, bytes / (double) (1L << 20)));
  }
}
