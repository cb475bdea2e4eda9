package io.sparkdnn.ml;

import io.sparkdnn.cli.JobFiles;
import io.sparkdnn.cli.Settings;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.EpochMetrics;
import io.sparkdnn.train.OptimizerSettings;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@link DnnClassifier} and {@link DnnRegressor} share: the training params, each mapped to
 * the configuration key of the command line, so that fitting builds its configuration exactly as
 * {@code dnn train} does (defaults from conf/defaults.conf, same validation, same trainer).
 */
abstract class DnnEstimator<M extends Model<M>, E extends DnnEstimator<M, E>> extends Estimator<M>
    implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  /** Param name → configuration key, for the params that are plain keys. */
  private final Map<String, String> keys = new LinkedHashMap<>();

  final Param<String> featuresCol;
  final Param<String> labelCol;
  final Param<String> predictionCol;
  final Param<String> hiddenLayers;
  final IntParam epochs;
  final IntParam batchSize;
  final Param<String> mode;
  final IntParam roundsPerEpoch;
  final Param<String> optimizer;
  final DoubleParam learningRate;
  final DoubleParam momentum;
  final DoubleParam weightDecay;
  final DoubleParam l2;
  final DoubleParam clipNorm;
  final Param<String> schedule;
  final DoubleParam warmupEpochs;
  final IntParam patience;
  final DoubleParam validationFraction;
  final LongParam seed;
  final IntParam treeDepth;
  final Param<String> scaling;
  final IntParam partitions;
  final Param<String> initialization;
  final Param<String> checkpointDir;

  DnnEstimator(String uid) {
    this.uid = uid;
    Settings d = JobFiles.defaults();
    featuresCol = new Param<>(this, "featuresCol", "features column: an ML vector or numeric array");
    labelCol = new Param<>(this, "labelCol", "label column");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    hiddenLayers = new Param<>(this, "hiddenLayers",
        "hidden layers, WIDTH ACTIVATION [+dropoutRATE] joined by '-', e.g. 256relu-128relu+dropout0.2; "
            + "input and output layers follow from the data",
        v -> checked("hiddenLayers", () -> hiddenSpec(v, 1, 2, "softmax")));
    epochs = intParam("epochs", "training.epochs", "passes over the training data", 1, d);
    batchSize = intParam("batchSize", "training.batch-size", "rows per local optimizer step (local mode)", 1, d);
    mode = choice("mode", "training.mode", "sync (summed gradients) or local (averaged local steps)",
        List.of("sync", "local"), d);
    roundsPerEpoch = intParam("roundsPerEpoch", "training.rounds-per-epoch", "rounds (Spark jobs) per epoch", 1, d);
    optimizer = choice("optimizer", "training.optimizer.name", "update rule", OptimizerSettings.NAMES, d);
    learningRate = doubleParam("learningRate", "training.optimizer.learning-rate", "learning rate",
        ParamValidators.gt(0), d);
    momentum = doubleParam("momentum", "training.optimizer.momentum", "momentum (momentum, nesterov)",
        ParamValidators.inRange(0, 1, true, false), d);
    weightDecay = doubleParam("weightDecay", "training.optimizer.weight-decay", "decoupled weight decay (adamw)",
        ParamValidators.gtEq(0), d);
    l2 = doubleParam("l2", "training.optimizer.l2", "L2 penalty ½·l2·‖W‖² on the weights", ParamValidators.gtEq(0), d);
    clipNorm = doubleParam("clipNorm", "training.optimizer.clip-norm", "gradient-norm clipping, 0 for none",
        ParamValidators.gtEq(0), d);
    schedule = choice("schedule", "training.schedule.name", "learning-rate schedule", OptimizerSettings.SCHEDULES, d);
    warmupEpochs = doubleParam("warmupEpochs", "training.schedule.warmup-epochs", "linear warm-up, in epochs",
        ParamValidators.gtEq(0), d);
    patience = intParam("patience", "training.early-stopping.patience",
        "early stopping: epochs without improvement of the validation loss; 0 for none", 0, d);
    validationFraction = doubleParam("validationFraction", "data.validation-fraction",
        "share of rows held out for validation", ParamValidators.inRange(0, 1, true, false), d);
    seed = new LongParam(this, "seed", "random seed");
    keys.put("seed", "training.seed");
    setDefault(seed, d.longValue("training.seed"));
    treeDepth = new IntParam(this, "treeDepth", "treeAggregate depth; 0 chooses one", ParamValidators.inRange(0, 10));
    setDefault(treeDepth, 0);
    scaling = choice("scaling", "data.scaling", "feature scaling", List.of("none", "standard", "minmax"), d);
    partitions = intParam("partitions", "data.partitions", "partitions of the cached data; 0 follows Spark", 0, d);
    initialization = new Param<>(this, "initialization", "weight initialisation",
        v -> checked("initialization", () -> Initialization.fromToken(v)));
    keys.put("initialization", "network.init");
    setDefault(initialization, d.string("network.init"));
    checkpointDir = new Param<>(this, "checkpointDir", "directory for checkpoints; empty for none");
    setDefault(checkpointDir, "");
    setDefault(featuresCol, "features");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(hiddenLayers, "64relu");
  }

  private IntParam intParam(String name, String key, String doc, int min, Settings defaults) {
    IntParam p = new IntParam(this, name, doc + " (" + key + ")", ParamValidators.gtEq(min));
    keys.put(name, key);
    setDefault(p, defaults.integer(key, Integer.MIN_VALUE, Integer.MAX_VALUE));
    return p;
  }

  private DoubleParam doubleParam(String name, String key, String doc, scala.Function1<Object, Object> valid,
      Settings defaults) {
    DoubleParam p = new DoubleParam(this, name, doc + " (" + key + ")", valid);
    keys.put(name, key);
    setDefault(p, defaults.number(key, -Double.MAX_VALUE, Double.MAX_VALUE));
    return p;
  }

  private Param<String> choice(String name, String key, String doc, List<String> allowed, Settings defaults) {
    Param<String> p = new Param<>(this, name, doc + ", one of " + allowed + " (" + key + ")", v -> {
      if (!allowed.contains(v.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(getClass().getSimpleName() + " param " + name + ": '" + v
            + "' is not one of " + allowed);
      }
      return true;
    });
    keys.put(name, key);
    setDefault(p, defaults.string(key));
    return p;
  }

  /** A validator that explains: our parsers' messages instead of Spark's "given invalid value". */
  private Object checked(String name, Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(getClass().getSimpleName() + " param " + name + ": " + e.getMessage());
    }
  }

  /** The full spec for {@code inputs} inputs, the hidden layers, and {@code outputs} outputs. */
  static NetworkSpec hiddenSpec(String hidden, int inputs, int outputs, String outputActivation) {
    String middle = hidden.isBlank() ? "" : hidden.trim() + "-";
    return NetworkSpec.parse(inputs + "-" + middle + outputs + outputActivation);
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The configuration overrides these params mean, as {@code dnn train --set} takes them. */
  List<String> overrides(NetworkSpec network) {
    List<String> out = new ArrayList<>();
    keys.forEach((name, key) -> out.add(key + "=" + $(getParam(name))));
    out.add("training.tree-depth=" + ((int) $(treeDepth) == 0 ? "auto" : $(treeDepth)));
    out.add("network.layers=" + network);
    out.add("data.features=[\"" + $(featuresCol) + "\"]");
    out.add("data.label=[\"" + $(labelCol) + "\"]");
    String dir = $(checkpointDir);
    out.add("checkpoint.dir=" + (dir.isEmpty() ? "null" : dir));
    return out;
  }

  /**
   * Trains with the one training path: these params as configuration overrides, then {@link
   * DnnTrainer} on the dataset. {@code history} receives every epoch's metrics.
   */
  DnnTrainer.Fit train(Dataset<Row> data, NetworkSpec network, Task task, Consumer<EpochMetrics> history) {
    List<String> overrides = overrides(network);
    overrides.add("network.task=" + task.token());
    TrainingConfig config = JobFiles.training(null, overrides);
    DataSettings settings = JobFiles.data(null, overrides);
    DnnTrainer.Fit fit = new DnnTrainer(settings, config).fit(data, null,
        "training data (" + getClass().getSimpleName() + ")", null, null, (m, s) -> history.accept(m));
    fit.packed.release();
    return fit;
  }

  /** The feature width of the data, from the features column (metadata or first row). */
  int featureWidth(Dataset<Row> data, Task task) {
    InputColumns columns = InputColumns.resolve(data, List.of($(featuresCol)), List.of($(labelCol)), List.of(),
        task, "training data (" + getClass().getSimpleName() + ")");
    return columns.width();
  }

  @SuppressWarnings("unchecked")
  private E self() {
    return (E) this;
  }

  public Param<String> featuresCol() { return featuresCol; }
  public Param<String> labelCol() { return labelCol; }
  public Param<String> predictionCol() { return predictionCol; }
  public Param<String> hiddenLayers() { return hiddenLayers; }
  public IntParam epochs() { return epochs; }
  public IntParam batchSize() { return batchSize; }
  public Param<String> mode() { return mode; }
  public IntParam roundsPerEpoch() { return roundsPerEpoch; }
  public Param<String> optimizer() { return optimizer; }
  public DoubleParam learningRate() { return learningRate; }
  public DoubleParam momentum() { return momentum; }
  public DoubleParam weightDecay() { return weightDecay; }
  public DoubleParam l2() { return l2; }
  public DoubleParam clipNorm() { return clipNorm; }
  public Param<String> schedule() { return schedule; }
  public DoubleParam warmupEpochs() { return warmupEpochs; }
  public IntParam patience() { return patience; }
  public DoubleParam validationFraction() { return validationFraction; }
  public LongParam seed() { return seed; }
  public IntParam treeDepth() { return treeDepth; }
  public Param<String> scaling() { return scaling; }
  public IntParam partitions() { return partitions; }
  public Param<String> initialization() { return initialization; }
  public Param<String> checkpointDir() { return checkpointDir; }

  public E setFeaturesCol(String v) { set(featuresCol, v); return self(); }
  public E setLabelCol(String v) { set(labelCol, v); return self(); }
  public E setPredictionCol(String v) { set(predictionCol, v); return self(); }
  public E setHiddenLayers(String v) { set(hiddenLayers, v); return self(); }
  public E setEpochs(int v) { set(epochs, v); return self(); }
  public E setBatchSize(int v) { set(batchSize, v); return self(); }
  public E setMode(String v) { set(mode, v); return self(); }
  public E setRoundsPerEpoch(int v) { set(roundsPerEpoch, v); return self(); }
  public E setOptimizer(String v) { set(optimizer, v); return self(); }
  public E setLearningRate(double v) { set(learningRate, v); return self(); }
  public E setMomentum(double v) { set(momentum, v); return self(); }
  public E setWeightDecay(double v) { set(weightDecay, v); return self(); }
  public E setL2(double v) { set(l2, v); return self(); }
  public E setClipNorm(double v) { set(clipNorm, v); return self(); }
  public E setSchedule(String v) { set(schedule, v); return self(); }
  public E setWarmupEpochs(double v) { set(warmupEpochs, v); return self(); }
  public E setPatience(int v) { set(patience, v); return self(); }
  public E setValidationFraction(double v) { set(validationFraction, v); return self(); }
  public E setSeed(long v) { set(seed, v); return self(); }
  public E setTreeDepth(int v) { set(treeDepth, v); return self(); }
  public E setScaling(String v) { set(scaling, v); return self(); }
  public E setPartitions(int v) { set(partitions, v); return self(); }
  public E setInitialization(String v) { set(initialization, v); return self(); }
  public E setCheckpointDir(String v) { set(checkpointDir, v); return self(); }
}
