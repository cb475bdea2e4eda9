package io.sparkdnn.serve;

/**
 * What {@link Scorer} gives for one row: the same values as spark-dnn's Spark prediction columns
 * ({@code prediction} and {@code probability}), typed by task. Which kind a scorer returns follows
 * from {@link Scorer#task()}: multi-class and binary give {@link Classification}, multi-label
 * {@link MultiLabel}, regression {@link Regression}. Legend: K = the network's output width.
 *
 * <p>The arrays are created for each prediction and belong to the caller. As for any record with
 * array components, {@code equals} compares the arrays by reference; compare {@link #outputs()}
 * with {@code Arrays.equals} instead.
 */
public sealed interface Prediction permits Prediction.Classification, Prediction.MultiLabel, Prediction.Regression {

  /**
   * The per-output values as the Spark {@code probability} column (classifiers) or {@code prediction}
   * column (regression) gives them: probabilities for classifiers, values in the targets' units for
   * regression. The same array as the record's own field.
   */
  float[] outputs();

  /**
   * Multi-class or binary classification.
   *
   * @param index the predicted class's position in {@link Scorer#classNames()}: the most probable
   *     class (the first on ties); binary: 1 when p ≥ 0.5, else 0
   * @param label the predicted class as stored in the model (numeric classes as their number,
   *     e.g. "3" or "-1"; the Spark {@code prediction} column has them as doubles)
   * @param probabilities per class, in {@link Scorer#classNames()} order: K softmax probabilities
   *     (a multi-class network trained with other outputs, e.g. identity + mse, gives its raw
   *     outputs here); binary: [1 − p, p], p = the network's sigmoid output
   */
  record Classification(int index, String label, float[] probabilities) implements Prediction {
    @Override
    public float[] outputs() {
      return probabilities;
    }
  }

  /**
   * Multi-label classification: K independent labels.
   *
   * @param predicted per label, 1 where its probability is ≥ 0.5, else 0 (as the Spark
   *     {@code prediction} column); labels in {@link Scorer#classNames()} order
   * @param probabilities per label, the network's sigmoid outputs
   */
  record MultiLabel(int[] predicted, float[] probabilities) implements Prediction {
    @Override
    public float[] outputs() {
      return probabilities;
    }
  }

  /**
   * Regression.
   *
   * @param values K predicted values, in the targets' units (the model's target scaling undone)
   *     and the order of the label columns the model was trained on
   */
  record Regression(float[] values) implements Prediction {
    @Override
    public float[] outputs() {
      return values;
    }
  }
}
