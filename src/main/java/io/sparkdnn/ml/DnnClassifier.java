package io.sparkdnn.ml;


import io.sparkdnn.data.ColumnResolver;
import io.sparkdnn.data.Columns;
import io.sparkdnn.data.DataException;
import io.sparkdnn.data.EmptyInput;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.train.DnnTrainer;
import java.util.List;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML estimator for binary and multi-class classification with a fully connected network:
 * K softmax outputs trained on log-likelihood (cross-entropy), where the label column holds class
 * indices 0, 1, …, K−1 (as StringIndexer makes them; K comes from the column's ML attribute, else
 * from the largest label). Features are an ML vector column or an array of numbers; their width
 * fixes the input layer and {@code hiddenLayers} the rest. A {@link ProbabilisticClassifier}, so
 * its model adds Spark's {@code prediction}, {@code rawPrediction} (the K logits) and
 * {@code probability} columns and honours {@code thresholds}. For several labels per row see
 * {@link DnnMultilabelClassifier}.
 *
 * <pre>
 *   DnnClassificationModel model = new DnnClassifier()
 *       .setHiddenLayers("256relu-128relu").setWeightCol("w").setClassWeights("balanced").fit(train);
 * </pre>
 *
 * The training params and their defaults are those of {@code dnn train} ({@link DnnTrainingParams});
 * fitting runs the same trainer, in the same modes, on the DataFrame's partitions. A fit stops with
 * {@link DataException} for data it cannot train on (bad labels, a bad row), with the row and column.
 */
public final class DnnClassifier extends ProbabilisticClassifier<Vector, DnnClassifier, DnnClassificationModel>
    implements DnnTrainingParams<DnnClassifier>, DefaultParamsWritable {
  private static final long serialVersionUID = 2L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DnnClassifier.class);

  private final String uid;
  private final TrainingParams training;
  private final Param<String> classWeights;

  public DnnClassifier() {
    this(Identifiable$.MODULE$.randomUID("dnnClassifier"));
  }

  /** With the given uid (Spark ML and Spark Connect create stages this way). */
  public DnnClassifier(String uid) {
    this(ConstructionUid.of(uid));
  }

  private DnnClassifier(ConstructionUid pending) {
    this.uid = ConstructionUid.take();
    this.training = new TrainingParams(this, "64relu");
    this.classWeights = TrainingParams.classWeightsParam(this);
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
   * How much each class counts in the training loss: {@code none}, {@code balanced} (class c weighs
   * rows / (K · rows of c)), or {@code label:weight,…} (data.class-weights); multiplies weightCol.
   */
  public Param<String> classWeights() {
    return classWeights;
  }

  public String getClassWeights() {
    return $(classWeights);
  }

  public DnnClassifier setClassWeights(String value) {
    set(classWeights, value);
    return this;
  }

  @Override
  public DnnClassificationModel train(Dataset<?> dataset) {
    Dataset<Row> data = dataset.toDF();
    StructField label = data.schema().apply(getLabelCol());
    HandleInvalid invalid = HandleInvalid.fromToken(getHandleInvalid());
    int classes = numClasses(data, label, invalid);
    if (classes > 10 && !labelsIndexed(label)) {
      refuseIdLikeLabels(data, classes);
    }
    if (invalid != HandleInvalid.ERROR && !labelsIndexed(label)) {
      // rows whose label is no class index would make the classes; skip/keep leaves them out instead
      data = data.filter(classIndexOrNull(Columns.col(data, getLabelCol())));
    }
    int width = ColumnResolver.resolve(data, List.of(getFeaturesCol()), List.of(getLabelCol()), List.of(),
        Task.MULTICLASS, "training data (" + uid + ")").width();
    NetworkSpec spec = TrainingParams.hiddenSpec(getHiddenLayers(), width, classes, "softmax");
    DnnTrainer.Fit fit = training.fit(this, data, getFeaturesCol(), getLabelCol(),
        TrainingParams.parseClassWeights(getClassWeights()), spec, Task.MULTICLASS);
    return new DnnClassificationModel(uid, new FittedNetwork(fit.model, TrainingParams.summary(fit, this)));
  }

  /**
   * Refuses labels that name rows rather than classes — more than 10 distinct values on more than half
   * the rows, as {@code dnn train} refuses them — when the classes come from the largest label: the
   * command line's network names its outputs, here the data alone does, and an id column would make
   * a model of as many classes as rows, each seen about once. Counted approximately (HyperLogLog, a
   * few percent), in one pass, and only when there are more than 10 classes.
   *
   * @throws DataException when the labels look like an id
   */
  private void refuseIdLikeLabels(Dataset<Row> data, int classes) {
    org.apache.spark.sql.Column labels = Columns.col(data, getLabelCol());
    Row counts = data.agg(functions.approx_count_distinct(labels), functions.count(labels)).first();
    long distinct = counts.getLong(0);
    long rows = counts.getLong(1);
    if (DnnTrainer.looksLikeIds(distinct, rows)) {
      throw new DataException("label column '" + getLabelCol() + "' of training data (" + uid + ") looks like an id: "
          + "about " + distinct + " distinct values in " + rows + " rows (labels up to " + (classes - 1) + "), where a "
          + "classifier needs many rows per class; choose the column that holds the classes (labelCol), or for a "
          + "numeric target use DnnRegressor");
    }
  }

  /** True when the label column's ML attribute (StringIndexer's) gives the classes. */
  private static boolean labelsIndexed(StructField label) {
    Attribute attribute = Attribute.fromStructField(label);
    return attribute instanceof BinaryAttribute
        || attribute instanceof NominalAttribute && ((NominalAttribute) attribute).getNumValues().isDefined();
  }

  /**
   * A label that is a class index (a whole number from 0 to {@link DnnTrainer#MAX_CLASSES} − 1), or
   * null (refused or skipped by row like any null label). In Spark SQL NaN is larger than every
   * number, so {@code < MAX_CLASSES} leaves NaN out, and +∞ with it; {@code >= 0} leaves out −∞.
   */
  private static org.apache.spark.sql.Column classIndexOrNull(org.apache.spark.sql.Column labels) {
    return labels.isNull().or(labels.geq(0).and(labels.lt(DnnTrainer.MAX_CLASSES))
        .and(labels.equalTo(functions.floor(labels))));
  }

  /**
   * K from the label column's ML attribute (StringIndexer's), else the largest label + 1; labels must
   * be 0..K−1. Under handleInvalid skip or keep, K comes from the labels that are class indices,
   * and the others are counted and logged as left out; under error, the first kind of bad label
   * found is refused, saying what to do.
   */
  private int numClasses(Dataset<Row> data, StructField label, HandleInvalid invalid) {
    if (labelsIndexed(label)) {
      Attribute attribute = Attribute.fromStructField(label);
      return attribute instanceof BinaryAttribute ? 2
          : Math.max(2, (Integer) ((NominalAttribute) attribute).getNumValues().get());
    }
    String name = getLabelCol();
    String dataName = "training data (" + uid + ")";
    org.apache.spark.sql.Column labels = Columns.col(data, name);
    if (invalid != HandleInvalid.ERROR) {
      org.apache.spark.sql.Column ok = classIndexOrNull(labels);
      Row stats = data.agg(functions.max(functions.when(ok, labels)),
          functions.count(functions.when(functions.not(ok), 1))).first();
      long left = stats.getLong(1);
      if (left > 0) {
        LOG.warn("skipped {} row{} of {} with a label that is no class index 0, 1, …, K−1 (NaN, infinite, "
            + "negative, fractional, or {} or more) (handleInvalid = {})", left, left == 1 ? "" : "s", dataName,
            DnnTrainer.MAX_CLASSES, invalid.token());
      }
      if (stats.isNullAt(0)) {
        EmptyInput.check(data, dataName);
        throw new DataException(dataName + " has no row whose label in column '" + name + "' is a class index 0, 1, "
            + "…, K−1 (" + left + " rows have other labels); index the labels with StringIndexer, or for a numeric "
            + "target use DnnRegressor");
      }
      return Math.max(2, (int) ((Number) stats.get(0)).doubleValue() + 1);
    }
    org.apache.spark.sql.Column fraction = functions.when(labels.notEqual(functions.floor(labels)), labels);
    Row stats = data.agg(functions.min(labels), functions.max(labels), functions.count(fraction),
        functions.min(fraction), functions.max(fraction)).first();
    if (stats.isNullAt(1)) {
      EmptyInput.check(data, dataName);
      throw new DataException(dataName + " has no labels in column '" + name + "'");
    }
    double min = ((Number) stats.get(0)).doubleValue();
    double max = ((Number) stats.get(1)).doubleValue();
    long fractional = stats.getLong(2);
    String skip = "; or set handleInvalid to skip to leave rows with such labels out";
    // Predictor.fit has cast the labels to double, so they are shown by displayWidened
    if (Double.isNaN(max) || Double.isInfinite(max) || Double.isInfinite(min)) {
      throw new DataException(uid + " needs class labels 0, 1, …, K−1 in column '" + name + "', found "
          + (Double.isNaN(max) ? "NaN" : LabelIndex.displayWidened(Double.isInfinite(max) ? max : min))
          + "; remove or fill the rows with that label" + skip);
    }
    if (fractional > 0) {
      String smallest = LabelIndex.displayWidened(stats.getDouble(3));
      String largest = LabelIndex.displayWidened(stats.getDouble(4));
      throw new DataException(uid + " needs class labels 0, 1, …, K−1 in column '" + name + "', but "
          + fractional + (fractional == 1 ? " row holds" : " rows hold") + " a label with a fractional part; "
          + LabelIndex.continuous(smallest.equals(largest) ? new String[] {smallest} : new String[] {smallest, largest},
              "use DnnRegressor")
          + "; for classes, index them with StringIndexer" + skip);
    }
    if (min < 0) {
      throw new DataException(uid + " needs class labels 0, 1, …, K−1 in column '" + name + "', found label "
          + LabelIndex.displayWidened(min) + "; index them with StringIndexer" + skip);
    }
    if (max >= DnnTrainer.MAX_CLASSES) {
      throw new DataException(uid + ": label " + LabelIndex.displayWidened(max) + " in column '" + name
          + "' would make " + ((long) max + 1) + " classes, more than " + DnnTrainer.MAX_CLASSES
          + "; index the labels with StringIndexer (or, for a numeric target, use DnnRegressor)" + skip);
    }
    return Math.max(2, (int) max + 1);
  }

  /**
   * Checks the columns — features a vector or numeric array, label and weight numeric, the
   * validation indicator boolean — and adds the model's output columns.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    MlSchemas.features(schema, getFeaturesCol(), this);
    MlSchemas.requireNumeric(schema, getLabelCol(), "labelCol", this,
        " (class indices 0, 1, …, K−1): index strings with StringIndexer; for several labels per row use "
            + "DnnMultilabelClassifier");
    TrainingParams.checkOptionalColumns(schema, this);
    return DnnClassificationModel.outputSchema(schema, this, getPredictionCol(), getRawPredictionCol(),
        getProbabilityCol(), -1);
  }

  @Override
  public DnnClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<DnnClassifier> read() {
    return new DefaultParamsReadable<DnnClassifier>() {}.read();
  }

  public static DnnClassifier load(String path) {
    return read().load(path);
  }
}
