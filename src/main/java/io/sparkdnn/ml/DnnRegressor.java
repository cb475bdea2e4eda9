package io.sparkdnn.ml;

import io.sparkdnn.data.ClassWeights;
import io.sparkdnn.data.ColumnResolver;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.train.DnnTrainer;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML estimator for regression with a fully connected network: identity outputs trained on
 * mean squared error, with the targets standardised for training and the predictions in the
 * targets' own units. The label column holds one numeric target, or several as an ML vector or
 * numeric array (the model's prediction is then a vector). Features are an ML vector column or an
 * array of numbers. The training params and their defaults are those of {@code dnn train}
 * ({@link DnnTrainingParams}).
 *
 * <pre>
 *   DnnRegressionModel model = new DnnRegressor().setHiddenLayers("64tanh").fit(train);
 * </pre>
 */
public final class DnnRegressor extends Regressor<Vector, DnnRegressor, DnnRegressionModel>
    implements DnnTrainingParams<DnnRegressor>, DefaultParamsWritable {
  private static final long serialVersionUID = 2L;

  private final String uid;
  private final TrainingParams training;

  public DnnRegressor() {
    this(Identifiable$.MODULE$.randomUID("dnnRegressor"));
  }

  /** With the given uid (Spark ML and Spark Connect create stages this way). */
  public DnnRegressor(String uid) {
    this(ConstructionUid.of(uid));
  }

  private DnnRegressor(ConstructionUid pending) {
    this.uid = ConstructionUid.take();
    this.training = new TrainingParams(this, "64tanh");
  }

  @Override
  public String uid() {
    return uid != null ? uid : ConstructionUid.pending(); // see ConstructionUid
  }

  @Override
  public TrainingParams trainingParams() {
    return training;
  }

  /**
   * Fits as Spark's {@code Predictor.fit} does, without its cast of the label to double (which would
   * refuse a vector of targets).
   */
  @Override
  public DnnRegressionModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    return copyValues(train(dataset).setParent(this), ParamMap.empty());
  }

  @Override
  public DnnRegressionModel train(Dataset<?> dataset) {
    Dataset<Row> data = dataset.toDF();
    String name = "training data (" + uid + ")";
    boolean single = data.schema().apply(getLabelCol()).dataType() instanceof NumericType;
    int targets = single ? 1 : ColumnResolver.vectorWidth(data, getLabelCol(), name);
    int width = ColumnResolver.resolve(data, List.of(getFeaturesCol()), List.of(getLabelCol()), List.of(),
        Task.REGRESSION, name).width();
    NetworkSpec spec = TrainingParams.hiddenSpec(getHiddenLayers(), width, targets, "identity");
    DnnTrainer.Fit fit = training.fit(this, data, getFeaturesCol(), getLabelCol(), ClassWeights.none(), spec,
        Task.REGRESSION);
    return new DnnRegressionModel(uid, new FittedNetwork(fit.model, TrainingParams.summary(fit, this)));
  }

  /** Checks the columns and adds the prediction: a double for a numeric label, a vector for several targets. */
  @Override
  public StructType transformSchema(StructType schema) {
    MlSchemas.features(schema, getFeaturesCol(), this);
    DataType label = MlSchemas.require(schema, getLabelCol(), "labelCol", this);
    if (!(label instanceof NumericType) && !MlSchemas.isVectorOrNumericArray(label)) {
      throw new IllegalArgumentException(uid + ": labelCol '" + getLabelCol() + "' has type " + label.simpleString()
          + "; expected a number, or a vector or array of numbers for several targets");
    }
    TrainingParams.checkOptionalColumns(schema, this);
    return DnnRegressionModel.outputSchema(schema, this, getPredictionCol(), !(label instanceof NumericType));
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
