package io.sparkdnn.scoring;

import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.engine.Task;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Turns network outputs into prediction column values: the label and per-class probabilities for
 * classification, the values for regression. Small and serialisable, so tasks carry it instead of
 * the whole model.
 */
final class OutputDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Task task;
  private final int outputs;
  private final LabelIndex labels;

  private final float threshold;

  OutputDecoder(Task task, int outputs, LabelIndex labels) {
    this(task, outputs, labels, 0.5f);
  }

  /** @param threshold binary: the probability from which the prediction is class 1 */
  OutputDecoder(Task task, int outputs, LabelIndex labels, float threshold) {
    this.threshold = threshold;
    this.task = task;
    this.outputs = outputs;
    this.labels = labels;
  }

  /** The columns predictions add. */
  List<StructField> fields() {
    List<StructField> fields = new ArrayList<>();
    DataType doubles = DataTypes.createArrayType(DataTypes.DoubleType, false);
    switch (task) {
      case MULTICLASS:
      case BINARY:
        fields.add(DataTypes.createStructField(ModelScoring.PREDICTION,
            labels.isNumeric() ? DataTypes.DoubleType : DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(ModelScoring.PROBABILITY, doubles, true));
        break;
      case MULTILABEL:
        fields.add(DataTypes.createStructField(ModelScoring.PREDICTION,
            DataTypes.createArrayType(DataTypes.IntegerType, false), true));
        fields.add(DataTypes.createStructField(ModelScoring.PROBABILITY, doubles, true));
        break;
      case REGRESSION:
        fields.add(DataTypes.createStructField(ModelScoring.PREDICTION,
            outputs == 1 ? DataTypes.DoubleType : doubles, true));
        break;
      default:
        throw new AssertionError(task);
    }
    return fields;
  }

  int fieldCount() {
    return task == Task.REGRESSION ? 1 : 2;
  }

  /** The prediction values of the row whose outputs start at {@code offset}. */
  Object[] values(float[] out, int offset) {
    switch (task) {
      case MULTICLASS: {
        double[] p = new double[outputs];
        int best = 0;
        for (int j = 0; j < outputs; j++) {
          p[j] = out[offset + j];
          best = out[offset + j] > out[offset + best] ? j : best;
        }
        return new Object[] {labels.valueOf(best), seq(p)};
      }
      case BINARY: {
        double p1 = out[offset];
        return new Object[] {labels.valueOf(p1 >= threshold ? 1 : 0), seq(new double[] {1 - p1, p1})};
      }
      case MULTILABEL: {
        Integer[] predicted = new Integer[outputs];
        double[] p = new double[outputs];
        for (int j = 0; j < outputs; j++) {
          p[j] = out[offset + j];
          predicted[j] = p[j] >= 0.5 ? 1 : 0;
        }
        return new Object[] {scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(predicted)).toSeq(), seq(p)};
      }
      case REGRESSION: {
        if (outputs == 1) {
          return new Object[] {(double) out[offset]};
        }
        double[] v = new double[outputs];
        for (int j = 0; j < outputs; j++) {
          v[j] = out[offset + j];
        }
        return new Object[] {seq(v)};
      }
      default:
        throw new AssertionError(task);
    }
  }

  private static Object seq(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double v : values) {
      list.add(v);
    }
    return scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq();
  }
}
