package io.sparkdnn.ml;

import io.sparkdnn.data.ColumnResolver;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.results.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML estimator for regression with a fully connected network: one numeric target, or
 * several as a vector/array column; identity outputs with mean squared error. The features
 * column's width fixes the input layer; {@code hiddenLayers} is the rest.
 */
public final class DnnRegressor extends DnnEstimator<DnnRegressionModel, DnnRegressor> {
  private static final long serialVersionUID = 1L;

  public DnnRegressor() {
    this(Identifiable$.MODULE$.randomUID("dnnRegressor"));
  }

  public DnnRegressor(String uid) {
    super(uid);
    setDefault(hiddenLayers, "64tanh");
  }

  @Override
  public DnnRegressionModel fit(Dataset<?> dataset) {
    Dataset<Row> data = dataset.toDF();
    transformSchema(data.schema(), true);
    DataType label = data.schema().apply($(labelCol)).dataType();
    int targets = label instanceof NumericType
        ? 1 : ColumnResolver.vectorWidth(data, $(labelCol), "training data (" + uid() + ")");
    NetworkSpec spec = hiddenSpec($(hiddenLayers), featureWidth(data, Task.REGRESSION), targets, "identity");
    List<EpochMetrics> history = new ArrayList<>();
    DnnTrainer.Fit fit = train(data, spec, Task.REGRESSION, history::add);
    DnnRegressionModel model = new DnnRegressionModel(uid(), fit.model)
        .setFeaturesCol($(featuresCol)).setPredictionCol($(predictionCol));
    model.setSummary(new DnnTrainingSummary(history, fit.result.validationMetrics(), fit.result.bestEpoch()));
    return model.setParent(this);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    DnnClassifier.requireColumn(schema, $(featuresCol), "featuresCol");
    DataType label = DnnClassifier.requireColumn(schema, $(labelCol), "labelCol");
    if (!(label instanceof NumericType) && !label.equals(SQLDataTypes.VectorType()) && !(label instanceof ArrayType)) {
      throw new IllegalArgumentException(uid() + ": label column " + $(labelCol) + " has type "
          + label.simpleString() + "; expected a number, or a vector or array of numbers");
    }
    return schema.add($(predictionCol),
        label instanceof NumericType ? DataTypes.DoubleType : SQLDataTypes.VectorType(), true);
  }

  @Override
  public DnnRegressor copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<DnnRegressor> read() {
    return new DefaultParamsReadable<DnnRegressor>() {}.read();
  }

  public static DnnRegressor load(String path) {
    return read().load(path);
  }
}
