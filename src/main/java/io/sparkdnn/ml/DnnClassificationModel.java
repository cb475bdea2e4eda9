package io.sparkdnn.ml;

import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.scoring.BatchScorer;
import io.sparkdnn.scoring.ScoreColumn;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import scala.Tuple3;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
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
 * A fitted {@link DnnClassifier}. {@code transform} adds, as Spark's probabilistic classifiers do,
 * {@code rawPrediction} (ML vector of the K logits, shifted to mean 0), {@code probability} (ML vector of the K softmax
 * probabilities) and {@code prediction} (the class index as a double: the most probable class, or
 * with {@code thresholds} the class maximising p/t) — each left out when its column param is "".
 * It reads the features from the current {@code featuresCol} (vector or numeric array of
 * {@link #numFeatures()} values), lazily, one network pass per batch of rows, on batch and
 * streaming DataFrames alike; a row with a missing or non-finite feature fails the job with its
 * position. Spark's evaluators read the output directly.
 *
 * <p>Saved with {@code write().save(path)} in Spark ML's layout (PATH/metadata, PATH/dnn — the
 * project's model format — and PATH/summary.json), or as one ONNX file with
 * {@code write().format("onnx").save(path)}; loaded with {@link #load}.
 */
public final class DnnClassificationModel
    extends ProbabilisticClassificationModel<Vector, DnnClassificationModel>
    implements MLWritable, DnnFittedModel {
  private static final long serialVersionUID = 2L;

  private final String uid;
  private final FittedNetwork fitted;
  private final Param<String> weightCol;
  private final Param<String> handleInvalid;
  private final TrainingParams training;
  private final Param<String> classWeights;

  /** An empty model, for Spark Connect's service loading; {@link #load} makes a usable one. */
  public DnnClassificationModel() {
    this(Identifiable$.MODULE$.randomUID("dnnClassificationModel"));
  }

  /** An empty model with the given uid; {@link #load} makes a usable one. */
  public DnnClassificationModel(String uid) {
    this(uid, FittedNetwork.empty());
  }

  DnnClassificationModel(String uid, FittedNetwork fitted) {
    this(ConstructionUid.of(uid), fitted);
  }

  private DnnClassificationModel(ConstructionUid pending, FittedNetwork fitted) {
    this.uid = ConstructionUid.take();
    this.fitted = fitted;
    this.weightCol = new Param<>(this, "weightCol", "column of row weights for evaluate(); empty for none");
    setDefault(weightCol, "");
    this.handleInvalid = HandleInvalid.param(this);
    this.training = TrainingParams.ofModel(this, "64relu");
    this.classWeights = TrainingParams.classWeightsParam(this);
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

  public DnnClassificationModel setWeightCol(String value) {
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

  public DnnClassificationModel setHandleInvalid(String value) {
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

  /** The class weights it was fitted with (DnnClassifier's classWeights). */
  public Param<String> classWeights() {
    return classWeights;
  }

  public String getClassWeights() {
    return $(classWeights);
  }

  @Override
  public FittedNetwork fittedNetwork() {
    return fitted;
  }

  /** K: the number of classes. */
  @Override
  public int numClasses() {
    return fitted.model(this).classCount();
  }

  /** The width of the features vector. */
  @Override
  public int numFeatures() {
    return fitted.model(this).spec().inputWidth();
  }

  /**
   * The K logits of one row of raw (unscaled) features, shifted to mean 0, as a dense vector: the
   * rawPrediction column's value (for two classes element 1 is (z1 − z0)/2, which ranks rows as the
   * probability of class 1 does).
   *
   * @throws IllegalArgumentException when the vector is not {@link #numFeatures()} wide or holds a
   *     NaN or infinity
   */
  @Override
  public Vector predictRaw(Vector features) {
    float[] z = fitted.logits(this, features);
    return Vectors.dense(BatchScorer.rawPrediction(fitted.model(this).task(), z, 0, z.length));
  }

  /** Softmax, in place: p_j = exp(z_j − max z) / Σ_k exp(z_k − max z). */
  @Override
  public Vector raw2probabilityInPlace(Vector rawPrediction) {
    if (!(rawPrediction instanceof DenseVector)) {
      throw new IllegalArgumentException("raw2probabilityInPlace takes a dense vector of logits, got " + rawPrediction);
    }
    double[] z = ((DenseVector) rawPrediction).values();
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int j = 0; j < z.length; j++) {
      z[j] = Math.exp(z[j] - max);
      sum += z[j];
    }
    for (int j = 0; j < z.length; j++) {
      z[j] /= sum;
    }
    return rawPrediction;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema(), true);
    Map<String, ScoreColumn> added = new LinkedHashMap<>();
    added.put(getRawPredictionCol(), ScoreColumn.RAW_VECTOR);
    added.put(getProbabilityCol(), ScoreColumn.PROBABILITY_VECTOR);
    added.put(getPredictionCol(), ScoreColumn.CLASS_INDEX);
    added.remove("");
    if (added.isEmpty()) {
      return dataset.toDF(); // as Spark's classifiers do when every output column is ""
    }
    double[] thresholds = isDefined(thresholds()) ? getThresholds() : null;
    if (thresholds != null && thresholds.length != numClasses()) {
      throw new IllegalArgumentException(uid + ": thresholds has " + thresholds.length + " values for "
          + numClasses() + " classes; give one per class");
    }
    return withMetadata(fitted.score(this, dataset, getFeaturesCol(), added, 0.5f, thresholds, invalidRows()), out,
        added.keySet());
  }

  /** The rows with each added column's ML attribute, as {@code transformSchema} gives it. */
  static Dataset<Row> withMetadata(Dataset<Row> rows, StructType schema, Iterable<String> columns) {
    for (String name : columns) {
      Metadata metadata = schema.apply(name).metadata();
      if (!metadata.equals(Metadata.empty())) {
        rows = rows.withMetadata(name, metadata);
      }
    }
    return rows;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    fitted.features(schema, getFeaturesCol(), this);
    return outputSchema(schema, this, getPredictionCol(), getRawPredictionCol(), getProbabilityCol(),
        fitted.hasModel() ? numClasses() : -1);
  }

  /** {@code schema} with the non-empty output columns; with K known, they carry Spark ML's attributes. */
  static StructType outputSchema(StructType schema, Identifiable owner, String prediction, String raw,
      String probability, int classes) {
    StructType out = schema;
    if (!raw.isEmpty()) {
      out = MlSchemas.append(out, vectorField(raw, classes), "rawPredictionCol", owner);
    }
    if (!probability.isEmpty()) {
      out = MlSchemas.append(out, vectorField(probability, classes), "probabilityCol", owner);
    }
    if (!prediction.isEmpty()) {
      StructField field = classes > 0
          ? NominalAttribute.defaultAttr().withName(prediction).withNumValues(classes).toStructField()
          : new StructField(prediction, DataTypes.DoubleType, true, Metadata.empty());
      out = MlSchemas.append(out, field, "predictionCol", owner);
    }
    return out;
  }

  private static StructField vectorField(String name, int size) {
    return size > 0 ? new AttributeGroup(name, size).toStructField()
        : new StructField(name, SQLDataTypes.VectorType(), true, Metadata.empty());
  }

  /**
   * Evaluates the model on labelled {@code dataset} (labels in labelCol, rows weighted by weightCol
   * when set): accuracy, weighted precision/recall/F1, ROC-AUC and PR-AUC (one against the rest for
   * K &gt; 2), log loss; one Spark job.
   *
   * @throws io.sparkdnn.data.DataException when a column is missing or a row is bad
   */
  public DnnEvaluationSummary evaluate(Dataset<?> dataset) {
    EvaluationResult metrics = fitted.evaluate(this, dataset, getFeaturesCol(), getLabelCol(), getWeightCol(), 0.5f,
        invalidRows());
    Tuple3<?, ?, ?> named = findSummaryModel();
    Dataset<Row> predictions = ((DnnClassificationModel) named._1()).transform(dataset);
    return new DnnEvaluationSummary(predictions, metrics, getLabelCol(), (String) named._3(), getWeightCol());
  }

  /**
   * This model with probability and prediction columns named (a copy with generated names where
   * they are ""), and those names: what Spark's summaries read.
   */
  @Override
  @SuppressWarnings("rawtypes") // Scala's covariant Tuple3 overridden twice in the parents; raw fits both
  public Tuple3 findSummaryModel() {
    DnnClassificationModel model = this;
    if (getProbabilityCol().isEmpty() || getPredictionCol().isEmpty()) {
      model = copy(ParamMap.empty());
      if (getProbabilityCol().isEmpty()) {
        model.setProbabilityCol("probability_" + UUID.randomUUID());
      }
      if (getPredictionCol().isEmpty()) {
        model.setPredictionCol("prediction_" + UUID.randomUUID());
      }
    }
    return new Tuple3<>(model, model.getProbabilityCol(), model.getPredictionCol());
  }



  /** Bytes the model takes in memory, about (Spark Connect's model cache reads this). */
  @Override
  public long estimatedSize() {
    return fitted.estimatedSize();
  }

  @Override
  public DnnClassificationModel copy(ParamMap extra) {
    return copyValues(new DnnClassificationModel(uid, fitted), extra).setParent(parent());
  }

  /** Spark ML's layout (default) or, with {@code .format("onnx")}, one ONNX file; see the class comment. */
  @Override
  public GeneralMLWriter write() {
    return MlPersistence.writer(this, fitted);
  }

  @Override
  public String toString() {
    return "DnnClassificationModel: uid=" + uid + (fitted.hasModel()
        ? ", network=" + fitted.model(this).spec() + ", numClasses=" + numClasses() + ", numFeatures=" + numFeatures()
        : " (empty)");
  }

  public static MLReader<DnnClassificationModel> read() {
    return MlPersistence.reader(DnnClassificationModel.class, DnnClassificationModel::new);
  }

  public static DnnClassificationModel load(String path) {
    return read().load(path);
  }
}
