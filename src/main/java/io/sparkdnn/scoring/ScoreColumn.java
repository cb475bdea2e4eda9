package io.sparkdnn.scoring;

import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.engine.Task;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A column a scoring pass adds to each row, computed from the network's outputs for the row.
 * Classification outputs: K = classes (binary: 2, from its one sigmoid output p, as [1 − p, p]).
 */
public enum ScoreColumn {
  /** The predicted class as the user's label: a double for numeric labels, else a string. */
  LABEL,
  /** The predicted class index, as a double (Spark ML's prediction column). */
  CLASS_INDEX,
  /** Class probabilities, array&lt;double&gt; of K. */
  PROBABILITIES,
  /** Class probabilities as a Spark ML vector of K. */
  PROBABILITY_VECTOR,
  /**
   * Spark ML's rawPrediction: the K logits shifted to mean 0, as a Spark ML vector (for one sigmoid
   * logit z, [−z/2, z/2]); see {@link BatchScorer#rawPrediction}.
   */
  RAW_VECTOR,
  /** Regression: the (first) target's predicted value, in its units. */
  VALUE,
  /** Regression: every target's value, array&lt;double&gt;. */
  VALUES,
  /** Regression: every target's value as a Spark ML vector. */
  VALUES_VECTOR,
  /** Multi-label: 0/1 per label, array&lt;int&gt;. */
  LABEL_FLAGS,
  /** Multi-label: the indices of the labels predicted present, array&lt;double&gt; (Spark's multi-label evaluator). */
  LABEL_INDICES,
  /** Multi-label: per-label probabilities as a Spark ML vector. */
  LABEL_PROBABILITY_VECTOR;

  /** The Spark type of this column for a model of {@code task} with {@code labels}. */
  public DataType dataType(Task task, LabelIndex labels) {
    switch (this) {
      case LABEL:
        return labels != null && !labels.isNumeric() ? DataTypes.StringType : DataTypes.DoubleType;
      case CLASS_INDEX:
      case VALUE:
        return DataTypes.DoubleType;
      case PROBABILITIES:
      case VALUES:
      case LABEL_INDICES:
        return DataTypes.createArrayType(DataTypes.DoubleType, false);
      case LABEL_FLAGS:
        return DataTypes.createArrayType(DataTypes.IntegerType, false);
      case PROBABILITY_VECTOR:
      case RAW_VECTOR:
      case VALUES_VECTOR:
      case LABEL_PROBABILITY_VECTOR:
        return SQLDataTypes.VectorType();
      default:
        throw new AssertionError(this);
    }
  }
}
