package io.sparkdnn.ml;

import io.sparkdnn.data.ClassWeights;
import io.sparkdnn.data.ColumnResolver;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.train.DnnTrainer;
import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML estimator for multi-label classification — any number of K labels per row — with a
 * fully connected network: K sigmoid outputs trained on binary cross-entropy. The label column
 * holds K flags (0 or 1) per row, as an ML vector or numeric array; features an ML vector or
 * numeric array. Its model's {@code prediction} is the array of the indices of the labels
 * predicted present, which Spark's {@code MultilabelClassificationEvaluator} reads. The training
 * params and their defaults are those of {@code dnn train} ({@link DnnTrainingParams}).
 */
public final class DnnMultilabelClassifier extends Estimator<DnnMultilabelModel>
    implements DnnTrainingParams<DnnMultilabelClassifier>, DnnMultilabelParams<DnnMultilabelClassifier>,
    DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final TrainingParams training;
  private final MultilabelColumns columns;

  public DnnMultilabelClassifier() {
    this(Identifiable$.MODULE$.randomUID("dnnMultilabelClassifier"));
  }

  /** With the given uid (Spark ML and Spark Connect create stages this way). */
  public DnnMultilabelClassifier(String uid) {
    this.uid = uid;
    this.training = new TrainingParams(this, "64relu");
    this.columns = new MultilabelColumns(this);
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public TrainingParams trainingParams() {
    return training;
  }

  @Override
  public MultilabelColumns multilabelColumns() {
    return columns;
  }

  @Override
  public DnnMultilabelModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema(), true);
    Dataset<Row> data = dataset.toDF();
    String name = "training data (" + uid + ")";
    int labels = ColumnResolver.vectorWidth(data, getLabelCol(), name);
    int width = ColumnResolver.resolve(data, List.of(getFeaturesCol()), List.of(getLabelCol()), List.of(),
        Task.MULTILABEL, name).width();
    NetworkSpec spec = TrainingParams.hiddenSpec(getHiddenLayers(), width, labels, "sigmoid");
    DnnTrainer.Fit fit = training.fit(this, data, getFeaturesCol(), getLabelCol(), ClassWeights.none(), spec,
        Task.MULTILABEL);
    DnnMultilabelModel model = new DnnMultilabelModel(uid, new FittedNetwork(fit.model, TrainingParams.summary(fit, this)));
    return copyValues(model, ParamMap.empty()).setParent(this);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    MlSchemas.features(schema, getFeaturesCol(), this);
    DataType label = MlSchemas.require(schema, getLabelCol(), "labelCol", this);
    if (!MlSchemas.isVectorOrNumericArray(label)) {
      throw new IllegalArgumentException(uid + ": labelCol '" + getLabelCol() + "' has type " + label.simpleString()
          + "; expected K flags (0 or 1) per row as an ML vector or an array of numbers; for one class per row "
          + "use DnnClassifier");
    }
    TrainingParams.checkOptionalColumns(schema, this);
    return DnnMultilabelModel.outputSchema(schema, this, getPredictionCol(), getProbabilityCol(), -1);
  }

  @Override
  public DnnMultilabelClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<DnnMultilabelClassifier> read() {
    return new DefaultParamsReadable<DnnMultilabelClassifier>() {}.read();
  }

  public static DnnMultilabelClassifier load(String path) {
    return read().load(path);
  }
}
