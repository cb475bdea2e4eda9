package io.sparkdnn.ml;

import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.scoring.ScoreColumn;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
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
 * A fitted {@link DnnMultilabelClassifier}. {@code transform} adds {@code probability} (ML vector of
 * the K per-label probabilities) and {@code prediction} (array&lt;double&gt; of the indices of the
 * labels whose probability reaches {@code threshold}: the form Spark's
 * {@code MultilabelClassificationEvaluator} reads). Lazy, one network pass per batch of rows, on
 * batch and streaming DataFrames alike; reads the current {@code featuresCol}. Saved and loaded as
 * {@link DnnClassificationModel} is.
 */
public final class DnnMultilabelModel extends Model<DnnMultilabelModel>
    implements DnnMultilabelParams<DnnMultilabelModel>, MLWritable, DnnFittedModel {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final FittedNetwork fitted;
  private final MultilabelColumns columns;
  private final Param<String> weightCol;
  private final Param<String> handleInvalid;
  private final TrainingParams training;

  /** An empty model, for Spark Connect's service loading; {@link #load} makes a usable one. */
  public DnnMultilabelModel() {
    this(Identifiable$.MODULE$.randomUID("dnnMultilabelModel"));
  }

  /** An empty model with the given uid; {@link #load} makes a usable one. */
  public DnnMultilabelModel(String uid) {
    this(uid, FittedNetwork.empty());
  }

  DnnMultilabelModel(String uid, FittedNetwork fitted) {
    this.uid = uid;
    this.fitted = fitted;
    this.columns = new MultilabelColumns(this);
    this.weightCol = new Param<>(this, "weightCol", "column of row weights for evaluate(); empty for none");
    setDefault(weightCol, "");
    this.handleInvalid = HandleInvalid.param(this);
    this.training = TrainingParams.ofModel(this, "64relu");
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public MultilabelColumns multilabelColumns() {
    return columns;
  }

  @Override
  public String getFeaturesCol() {
    return DnnMultilabelParams.super.getFeaturesCol();
  }

  @Override
  public String getLabelCol() {
    return DnnMultilabelParams.super.getLabelCol();
  }

  /** The column of row weights that {@link #evaluate} uses; empty for none. */
  public Param<String> weightCol() {
    return weightCol;
  }

  public String getWeightCol() {
    return $(weightCol);
  }

  public DnnMultilabelModel setWeightCol(String value) {
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

  public DnnMultilabelModel setHandleInvalid(String value) {
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

  /** K: the number of labels. */
  public int numLabels() {
    return fitted.model(this).spec().outputWidth();
  }

  public int numFeatures() {
    return fitted.model(this).spec().inputWidth();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema(), true);
    Map<String, ScoreColumn> added = new LinkedHashMap<>();
    added.put(getProbabilityCol(), ScoreColumn.LABEL_PROBABILITY_VECTOR);
    added.put(getPredictionCol(), ScoreColumn.LABEL_INDICES);
    added.remove("");
    if (added.isEmpty()) {
      return dataset.toDF();
    }
    return DnnClassificationModel.withMetadata(
        fitted.score(this, dataset, getFeaturesCol(), added, (float) getThreshold(), null, invalidRows()), out,
        added.keySet());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    fitted.features(schema, getFeaturesCol(), this);
    return outputSchema(schema, this, getPredictionCol(), getProbabilityCol(), fitted.hasModel() ? numLabels() : -1);
  }

  /** {@code schema} with the non-empty output columns. */
  static StructType outputSchema(StructType schema, Identifiable owner, String prediction, String probability,
      int labels) {
    StructType out = schema;
    if (!probability.isEmpty()) {
      StructField field = labels > 0 ? new AttributeGroup(probability, labels).toStructField()
          : new StructField(probability, SQLDataTypes.VectorType(), true, Metadata.empty());
      out = MlSchemas.append(out, field, "probabilityCol", owner);
    }
    if (!prediction.isEmpty()) {
      out = MlSchemas.append(out, new StructField(prediction, DataTypes.createArrayType(DataTypes.DoubleType, false),
          true, Metadata.empty()), "predictionCol", owner);
    }
    return out;
  }

  /**
   * Evaluates the model on labelled {@code dataset} (K flags per row in labelCol, rows weighted by
   * weightCol when set): subset accuracy (every label right), Hamming accuracy, per-label
   * precision/recall/F1 and their macro mean, at {@code threshold}; one Spark job.
   *
   * @throws io.sparkdnn.data.DataException when a column is missing or a row is bad
   */
  public DnnEvaluationSummary evaluate(Dataset<?> dataset) {
    EvaluationResult metrics = fitted.evaluate(this, dataset, getFeaturesCol(), getLabelCol(), getWeightCol(),
        (float) getThreshold(), invalidRows());
    return new DnnEvaluationSummary(transform(dataset), metrics, getLabelCol(), getPredictionCol(), getWeightCol());
  }



  @Override
  public long estimatedSize() {
    return fitted.estimatedSize();
  }

  @Override
  public DnnMultilabelModel copy(ParamMap extra) {
    return copyValues(new DnnMultilabelModel(uid, fitted), extra).setParent(parent());
  }

  @Override
  public GeneralMLWriter write() {
    return MlPersistence.writer(this, fitted);
  }

  @Override
  public String toString() {
    return "DnnMultilabelModel: uid=" + uid + (fitted.hasModel()
        ? ", network=" + fitted.model(this).spec() + ", numLabels=" + numLabels() + ", numFeatures=" + numFeatures()
        : " (empty)");
  }

  public static MLReader<DnnMultilabelModel> read() {
    return MlPersistence.reader(DnnMultilabelModel.class, DnnMultilabelModel::new);
  }

  public static DnnMultilabelModel load(String path) {
    return read().load(path);
  }
}
