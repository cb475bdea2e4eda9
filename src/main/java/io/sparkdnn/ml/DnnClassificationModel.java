package io.sparkdnn.ml;

import static org.apache.spark.sql.functions.col;

import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.scoring.ModelScoring;
import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link DnnClassifier}: adds {@code prediction} (the class, as a double — or, for
 * multi-label, an array of 0/1 doubles), {@code probability} and {@code rawPrediction} (ML vectors
 * of per-class probabilities), so that Spark's classification evaluators work on its output.
 */
public final class DnnClassificationModel extends DnnPredictionModel<DnnClassificationModel> {
  private static final long serialVersionUID = 1L;

  final Param<String> probabilityCol;
  final Param<String> rawPredictionCol;

  DnnClassificationModel(String uid, DnnModel model) {
    super(uid, model);
    probabilityCol = new Param<>(this, "probabilityCol", "class probabilities column (ML vector)");
    rawPredictionCol = new Param<>(this, "rawPredictionCol",
        "raw prediction column (ML vector; here the class probabilities, which rank the same as logits)");
    setDefault(probabilityCol, "probability");
    setDefault(rawPredictionCol, "rawPrediction");
  }

  public Param<String> probabilityCol() { return probabilityCol; }
  public Param<String> rawPredictionCol() { return rawPredictionCol; }
  public DnnClassificationModel setProbabilityCol(String v) { set(probabilityCol, v); return this; }
  public DnnClassificationModel setRawPredictionCol(String v) { set(rawPredictionCol, v); return this; }

  /** Number of classes (or labels, for multi-label). */
  public int numClasses() {
    return model.classCount();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Dataset<Row> data = dataset.toDF();
    String prediction = $(predictionCol);
    String probability = $(probabilityCol);
    String tmpProbability = "__dnn_probability_" + uid();
    Dataset<Row> out = ModelScoring.predict(model, data, Arrays.asList(data.columns()), BadRowPolicy.FAIL,
        "input data (" + uid() + ")", prediction, tmpProbability);
    if (model.task() == Task.MULTILABEL) {
      out = out.withColumn(prediction, col(prediction).cast(DataTypes.createArrayType(DataTypes.DoubleType)));
    }
    out = out.withColumn(probability, org.apache.spark.ml.functions.array_to_vector(col(tmpProbability)));
    if (!$(rawPredictionCol).isEmpty()) {
      out = out.withColumn($(rawPredictionCol), col(probability));
    }
    return out.drop(tmpProbability);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    requireAbsent(schema, $(predictionCol));
    requireAbsent(schema, $(probabilityCol));
    StructType out = schema.add($(predictionCol), model.task() == Task.MULTILABEL
        ? DataTypes.createArrayType(DataTypes.DoubleType) : DataTypes.DoubleType, true);
    out = out.add($(probabilityCol), SQLDataTypes.VectorType(), true);
    if (!$(rawPredictionCol).isEmpty()) {
      requireAbsent(schema, $(rawPredictionCol));
      out = out.add($(rawPredictionCol), SQLDataTypes.VectorType(), true);
    }
    return out;
  }

  @Override
  public DnnClassificationModel copy(ParamMap extra) {
    DnnClassificationModel copy = copyValues(new DnnClassificationModel(uid(), model), extra);
    if (hasSummary()) {
      copy.setSummary(summary());
    }
    return copy.setParent(parent());
  }

  public static MLReader<DnnClassificationModel> read() {
    return MlPersistence.reader(DnnClassificationModel.class, DnnClassificationModel::new);
  }

  public static DnnClassificationModel load(String path) {
    return read().load(path);
  }
}
