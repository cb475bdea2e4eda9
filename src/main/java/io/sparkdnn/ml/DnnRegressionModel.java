package io.sparkdnn.ml;

import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.scoring.ScoreColumn;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.GeneralMLWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted {@link DnnRegressor}. {@code transform} adds {@code prediction}: a double for one target
 * (so that Spark's RegressionEvaluator reads it), an ML vector of the {@link #numTargets()} values
 * for several; in the targets' own units. Lazy, one network pass per batch of rows, on batch and
 * streaming DataFrames alike; reads the current {@code featuresCol}. Saved and loaded as
 * {@link DnnClassificationModel} is.
 */
public final class DnnRegressionModel extends RegressionModel<Vector, DnnRegressionModel>
    implements MLWritable, DnnFittedModel {
  private static final long serialVersionUID = 2L;

  private final String uid;
  private final FittedNetwork fitted;
  private final Param<String> weightCol;
  private final Param<String> handleInvalid;
  private final TrainingParams training;

  /** An empty model, for Spark Connect's service loading; {@link #load} makes a usable one. */
  public DnnRegressionModel() {
    this(Identifiable$.MODULE$.randomUID("dnnRegressionModel"));
  }

  /** An empty model with the given uid; {@link #load} makes a usable one. */
  public DnnRegressionModel(String uid) {
    this(uid, FittedNetwork.empty());
  }

  DnnRegressionModel(String uid, FittedNetwork fitted) {
    this(ConstructionUid.of(uid), fitted);
  }

  private DnnRegressionModel(ConstructionUid pending, FittedNetwork fitted) {
    this.uid = ConstructionUid.take();
    this.fitted = fitted;
    this.weightCol = new Param<>(this, "weightCol", "column of row weights for evaluate(); empty for none");
    setDefault(weightCol, "");
    this.handleInvalid = HandleInvalid.param(this);
    this.training = TrainingParams.ofModel(this, "64tanh");
  }

  @Override
  public String uid() {
    return uid != null ? uid : ConstructionUid.pending(); // see ConstructionUid
  }

  /** The column of row weights that {@link #evaluate} uses; empty for none. */
  public Param<String> weightCol() {
    return weightCol;
  }

  public String getWeightCol() {
    return $(weightCol);
  }

  public DnnRegressionModel setWeightCol(String value) {
    set(weightCol, value);
    return this;
  }

  /**
   * What transform, evaluate and importance do with an invalid row: error (the default), skip or
   * keep ({@link HandleInvalid}); fit passes the estimator's value on.
   */
  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  @Override
  public String getHandleInvalid() {
    return $(handleInvalid);
  }

  public DnnRegressionModel setHandleInvalid(String value) {
    set(handleInvalid, value);
    return this;
  }

  private HandleInvalid invalidRows() {
    return HandleInvalid.fromToken(getHandleInvalid());
  }

  @Override
  public TrainingParams trainingParams() {
    return training;
  }

  @Override
  public FittedNetwork fittedNetwork() {
    return fitted;
  }

  /** The number of targets (outputs). */
  public int numTargets() {
    return fitted.model(this).spec().outputWidth();
  }

  @Override
  public int numFeatures() {
    return fitted.model(this).spec().inputWidth();
  }

  /**
   * The predicted value of the (first) target for one row of raw features, in its units.
   *
   * @throws IllegalArgumentException when the vector is not {@link #numFeatures()} wide or holds a
   *     NaN or infinity
   */
  @Override
  public double predict(Vector features) {
    return fitted.outputs(this, features)[0];
  }

  /** Every target's predicted value for one row, in their units (the prediction column of a multi-target model). */
  public Vector predictVector(Vector features) {
    float[] out = fitted.outputs(this, features);
    double[] values = new double[out.length];
    for (int j = 0; j < out.length; j++) {
      values[j] = out[j];
    }
    return Vectors.dense(values);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema(), true);
    if (getPredictionCol().isEmpty()) {
      return dataset.toDF();
    }
    ScoreColumn what = numTargets() == 1 ? ScoreColumn.VALUE : ScoreColumn.VALUES_VECTOR;
    return DnnClassificationModel.withMetadata(
        fitted.score(this, dataset, getFeaturesCol(), Map.of(getPredictionCol(), what), 0.5f, null, invalidRows()),
        out, java.util.List.of(getPredictionCol()));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    fitted.features(schema, getFeaturesCol(), this);
    return outputSchema(schema, this, getPredictionCol(), fitted.hasModel() && numTargets() > 1);
  }

  /** {@code schema} with the prediction column (unless its name is ""): a double, or a vector for several targets. */
  static StructType outputSchema(StructType schema, Identifiable owner, String prediction, boolean vector) {
    if (prediction.isEmpty()) {
      return schema;
    }
    return MlSchemas.append(schema, new StructField(prediction,
        vector ? SQLDataTypes.VectorType() : DataTypes.DoubleType, true, Metadata.empty()), "predictionCol", owner);
  }

  /**
   * Evaluates the model on labelled {@code dataset} (targets in labelCol, rows weighted by
   * weightCol when set): RMSE, MAE and R² in the targets' units; one Spark job.
   *
   * @throws io.sparkdnn.data.DataException when a column is missing or a row is bad
   */
  public DnnEvaluationSummary evaluate(Dataset<?> dataset) {
    EvaluationResult metrics = fitted.evaluate(this, dataset, getFeaturesCol(), getLabelCol(), getWeightCol(), 0.5f,
        invalidRows());
    return new DnnEvaluationSummary(transform(dataset), metrics, getLabelCol(), getPredictionCol(), getWeightCol());
  }



  @Override
  public long estimatedSize() {
    return fitted.estimatedSize();
  }

  @Override
  public DnnRegressionModel copy(ParamMap extra) {
    return copyValues(new DnnRegressionModel(uid, fitted), extra).setParent(parent());
  }

  @Override
  public GeneralMLWriter write() {
    return MlPersistence.writer(this, fitted);
  }

  @Override
  public String toString() {
    return "DnnRegressionModel: uid=" + uid + (fitted.hasModel()
        ? ", network=" + fitted.model(this).spec() + ", numTargets=" + numTargets() + ", numFeatures=" + numFeatures()
        : " (empty)");
  }

  public static MLReader<DnnRegressionModel> read() {
    return MlPersistence.reader(DnnRegressionModel.class, DnnRegressionModel::new);
  }

  public static DnnRegressionModel load(String path) {
    return read().load(path);
  }
}
