package io.sparkdnn.ml;

import static org.apache.spark.sql.functions.col;

import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.scoring.ModelScoring;
import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link DnnRegressor}: adds {@code prediction}, a double for one target (so that
 * RegressionEvaluator works) or an ML vector for several.
 */
public final class DnnRegressionModel extends DnnPredictionModel<DnnRegressionModel> {
  private static final long serialVersionUID = 1L;

  DnnRegressionModel(String uid, DnnModel model) {
    super(uid, model);
  }

  public int numTargets() {
    return model.spec().outputWidth();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Dataset<Row> data = dataset.toDF();
    String prediction = $(predictionCol);
    Dataset<Row> out = ModelScoring.predict(model, data, Arrays.asList(data.columns()), BadRowPolicy.FAIL,
        "input data (" + uid() + ")", prediction, "__unused_" + uid());
    if (numTargets() > 1) {
      out = out.withColumn(prediction, org.apache.spark.ml.functions.array_to_vector(col(prediction)));
    }
    return out;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    requireAbsent(schema, $(predictionCol));
    return schema.add($(predictionCol), numTargets() > 1 ? SQLDataTypes.VectorType() : DataTypes.DoubleType, true);
  }

  @Override
  public DnnRegressionModel copy(ParamMap extra) {
    DnnRegressionModel copy = copyValues(new DnnRegressionModel(uid(), model), extra);
    if (hasSummary()) {
      copy.setSummary(summary());
    }
    return copy.setParent(parent());
  }

  public static MLReader<DnnRegressionModel> read() {
    return MlPersistence.reader(DnnRegressionModel.class, DnnRegressionModel::new);
  }

  public static DnnRegressionModel load(String path) {
    return read().load(path);
  }
}
