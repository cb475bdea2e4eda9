package io.sparkdnn.ml;

import static org.apache.spark.sql.functions.col;

import io.sparkdnn.data.DataException;
import io.sparkdnn.data.ColumnResolver;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.results.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML estimator for classification with a fully connected network. The label column holds
 * class indices 0..K−1 (numbers, as StringIndexer makes them; K comes from its metadata or the
 * largest label) for multi-class and binary classification — K softmax outputs with log-likelihood
 * — or a vector/array of 0/1 values for multi-label — sigmoid outputs with binary cross-entropy.
 * The features column's width fixes the input layer; {@code hiddenLayers} is the rest.
 *
 * <pre>
 *   new DnnClassifier().setHiddenLayers("256relu-128relu").setEpochs(10).fit(train)
 * </pre>
 */
public final class DnnClassifier extends DnnEstimator<DnnClassificationModel, DnnClassifier> {
  private static final long serialVersionUID = 1L;

  public DnnClassifier() {
    this(Identifiable$.MODULE$.randomUID("dnnClassifier"));
  }

  public DnnClassifier(String uid) {
    super(uid);
  }

  @Override
  public DnnClassificationModel fit(Dataset<?> dataset) {
    Dataset<Row> data = dataset.toDF();
    transformSchema(data.schema(), true);
    StructField label = data.schema().apply($(labelCol));
    boolean multiLabel = !(label.dataType() instanceof NumericType);
    Task task = multiLabel ? Task.MULTILABEL : Task.MULTICLASS;
    int outputs = multiLabel
        ? ColumnResolver.vectorWidth(data, $(labelCol), "training data (" + uid() + ")")
        : numClasses(data, label);
    NetworkSpec spec = hiddenSpec($(hiddenLayers), featureWidth(data, task), outputs,
        multiLabel ? "sigmoid" : "softmax");
    List<EpochMetrics> history = new ArrayList<>();
    DnnTrainer.Fit fit = train(data, spec, task, history::add);
    DnnClassificationModel model = new DnnClassificationModel(uid(), fit.model)
        .setFeaturesCol($(featuresCol)).setPredictionCol($(predictionCol));
    model.setSummary(new DnnTrainingSummary(history, fit.result.validationMetrics(), fit.result.bestEpoch()));
    return model.setParent(this);
  }

  /** K from StringIndexer's metadata, else the largest label + 1; labels must be 0..K−1. */
  private int numClasses(Dataset<Row> data, StructField label) {
    Attribute attribute = Attribute.fromStructField(label);
    if (attribute instanceof NominalAttribute && ((NominalAttribute) attribute).getNumValues().isDefined()) {
      return Math.max(2, (Integer) ((NominalAttribute) attribute).getNumValues().get());
    }
    if (attribute instanceof BinaryAttribute) {
      return 2;
    }
    Row stats = data.agg(functions.min(col($(labelCol))), functions.max(col($(labelCol))),
        functions.sum(functions.when(col($(labelCol)).notEqual(functions.floor(col($(labelCol)))), 1).otherwise(0)))
        .first();
    if (stats.isNullAt(1)) {
      throw new DataException("training data (" + uid() + ") has no labels in column " + $(labelCol));
    }
    double min = ((Number) stats.get(0)).doubleValue();
    double max = ((Number) stats.get(1)).doubleValue();
    long fractional = stats.isNullAt(2) ? 0 : ((Number) stats.get(2)).longValue();
    if (min < 0 || fractional > 0) {
      throw new DataException(uid() + " needs class labels 0, 1, …, K−1 in column " + $(labelCol) + ", found "
          + (min < 0 ? "label " + min : fractional + " non-integer labels")
          + "; index them with StringIndexer");
    }
    return Math.max(2, (int) max + 1);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    requireColumn(schema, $(featuresCol), "featuresCol");
    DataType label = requireColumn(schema, $(labelCol), "labelCol");
    if (!(label instanceof NumericType) && !label.equals(SQLDataTypes.VectorType())
        && !(label instanceof ArrayType)) {
      throw new IllegalArgumentException(uid() + ": label column " + $(labelCol) + " has type "
          + label.simpleString() + "; expected class indices (a numeric column — index strings with "
          + "StringIndexer) or, for multi-label, a vector or array of 0/1 values");
    }
    return schema.add($(predictionCol), label instanceof NumericType
        ? DataTypes.DoubleType : DataTypes.createArrayType(DataTypes.DoubleType), true);
  }

  static DataType requireColumn(StructType schema, String column, String param) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        return f.dataType();
      }
    }
    throw new IllegalArgumentException(param + " '" + column + "' not found; the columns are "
        + String.join(", ", schema.fieldNames()));
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
