package io.sparkdnn.ml;

import io.sparkdnn.data.ColumnResolver;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.engine.Token;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.OptimizerName;
import io.sparkdnn.train.OptimizerSettings;
import io.sparkdnn.train.ScheduleName;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@link DnnClassifier} and {@link DnnRegressor} share: the training params, each the
 * counterpart of a configuration key of {@code dnn train}. Fitting builds the same typed
 * configuration the command line builds from its files ({@link TrainingConfig}, {@link DataSettings})
 * directly from the params, and runs the same trainer; defaults and ranges are those of the typed
 * configuration, so a param is refused exactly when the configuration key would be.
 */
abstract class DnnEstimator<M extends Model<M>, E extends DnnEstimator<M, E>> extends Estimator<M>
    implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;

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
    TrainingConfig d = TrainingConfig.builder(NetworkSpec.parse("1-2softmax")).build();
    OptimizerSettings o = d.optimizer();
    DataSettings data = DataSettings.builder().build();
    TrainingConfig.Builder check = TrainingConfig.builder(null);
    OptimizerSettings.Builder checkOptimizer = OptimizerSettings.builder();
    DataSettings.Builder checkData = DataSettings.builder();
    featuresCol = new Param<>(this, "featuresCol", "features column: an ML vector or numeric array");
    labelCol = new Param<>(this, "labelCol", "label column");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    hiddenLayers = new Param<>(this, "hiddenLayers",
        "hidden layers, WIDTH ACTIVATION [+dropoutRATE] joined by '-', e.g. 256relu-128relu+dropout0.2; "
            + "input and output layers follow from the data",
        v -> checked("hiddenLayers", () -> hiddenSpec(v, 1, 2, "softmax")));
    epochs = intParam("epochs", "training.epochs", "passes over the training data", d.epochs(), check::epochs);
    batchSize = intParam("batchSize", "training.batch-size", "rows per local optimizer step (local mode)",
        d.batchSize(), check::batchSize);
    mode = choice("mode", "training.mode", "sync (summed gradients) or local (averaged local steps)",
        TrainingMode.class, d.mode());
    roundsPerEpoch = intParam("roundsPerEpoch", "training.rounds-per-epoch", "rounds (Spark jobs) per epoch",
        d.roundsPerEpoch(), check::roundsPerEpoch);
    optimizer = choice("optimizer", "training.optimizer.name", "update rule", OptimizerName.class, o.name());
    learningRate = doubleParam("learningRate", "training.optimizer.learning-rate", "learning rate",
        o.learningRate(), checkOptimizer::learningRate);
    momentum = doubleParam("momentum", "training.optimizer.momentum", "momentum (momentum, nesterov)",
        o.momentum(), checkOptimizer::momentum);
    weightDecay = doubleParam("weightDecay", "training.optimizer.weight-decay", "decoupled weight decay (adamw)",
        o.weightDecay(), checkOptimizer::weightDecay);
    l2 = doubleParam("l2", "training.optimizer.l2", "L2 penalty ½·l2·‖W‖² on the weights", o.l2(),
        checkOptimizer::l2);
    clipNorm = doubleParam("clipNorm", "training.optimizer.clip-norm", "gradient-norm clipping, 0 for none",
        o.clipNorm(), checkOptimizer::clipNorm);
    schedule = choice("schedule", "training.schedule.name", "learning-rate schedule", ScheduleName.class,
        o.scheduleName());
    warmupEpochs = doubleParam("warmupEpochs", "training.schedule.warmup-epochs", "linear warm-up, in epochs",
        o.warmupEpochs(), checkOptimizer::warmupEpochs);
    patience = intParam("patience", "training.early-stopping.patience",
        "early stopping: epochs without improvement of the validation loss; 0 for none", d.patience(),
        check::patience);
    validationFraction = doubleParam("validationFraction", "data.validation-fraction",
        "share of rows held out for validation", data.validationFraction(), checkData::validationFraction);
    seed = new LongParam(this, "seed", "random seed (training.seed)");
    setDefault(seed, d.seed());
    treeDepth = intParam("treeDepth", "training.tree-depth", "treeAggregate depth; 0 chooses one", d.treeDepth(),
        check::treeDepth);
    scaling = choice("scaling", "data.scaling", "feature scaling", ScalingMode.class, data.scaling());
    partitions = intParam("partitions", "data.partitions", "partitions of the cached data; 0 follows Spark",
        data.partitions(), checkData::partitions);
    initialization = choice("initialization", "network.init", "weight initialisation", Initialization.class,
        d.initialization());
    checkpointDir = new Param<>(this, "checkpointDir", "directory for checkpoints; empty for none (checkpoint.dir)");
    setDefault(checkpointDir, "");
    setDefault(featuresCol, "features");
    setDefault(labelCol, "label");
    setDefault(predictionCol, "prediction");
    setDefault(hiddenLayers, "64relu");
  }

  private IntParam intParam(String name, String key, String doc, int defaultValue, Consumer<Integer> setter) {
    IntParam p = new IntParam(this, name, doc + " (" + key + ")", v -> accepts(setter, (Integer) v));
    setDefault(p, defaultValue);
    return p;
  }

  private DoubleParam doubleParam(String name, String key, String doc, double defaultValue, Consumer<Double> setter) {
    DoubleParam p = new DoubleParam(this, name, doc + " (" + key + ")", v -> accepts(setter, (Double) v));
    setDefault(p, defaultValue);
    return p;
  }

  /** True when the typed configuration's setter takes the value (its range is checked there, once). */
  private static <T> boolean accepts(Consumer<T> setter, T value) {
    try {
      setter.accept(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private <E extends Enum<E> & Token> Param<String> choice(String name, String key, String doc, Class<E> type,
      E defaultValue) {
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.token());
    }
    Param<String> p = new Param<>(this, name, doc + ", one of " + allowed + " (" + key + ")", v -> {
      if (!allowed.contains(v.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(getClass().getSimpleName() + " param " + name + ": '" + v
            + "' is not one of " + allowed);
      }
      return true;
    });
    setDefault(p, defaultValue.token());
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

  /** The training configuration these params mean, for {@code network} and {@code task}. */
  TrainingConfig trainingConfig(NetworkSpec network, Task task) {
    OptimizerSettings optimizerSettings = OptimizerSettings.builder()
        .name(OptimizerName.fromToken($(optimizer)))
        .learningRate((Double) $(learningRate))
        .momentum((Double) $(momentum))
        .weightDecay((Double) $(weightDecay))
        .l2((Double) $(l2))
        .clipNorm((Double) $(clipNorm))
        .schedule(ScheduleName.fromToken($(schedule)))
        .warmupEpochs((Double) $(warmupEpochs))
        .build();
    String dir = $(checkpointDir);
    return TrainingConfig.builder(network)
        .task(task)
        .initialization(Initialization.fromToken($(initialization)))
        .mode(TrainingMode.fromToken($(mode)))
        .epochs((Integer) $(epochs))
        .batchSize((Integer) $(batchSize))
        .roundsPerEpoch((Integer) $(roundsPerEpoch))
        .optimizer(optimizerSettings)
        .seed((Long) $(seed))
        .patience((Integer) $(patience))
        .treeDepth((Integer) $(treeDepth))
        .checkpointDir(dir.isEmpty() ? null : dir)
        .build();
  }

  /** The data settings these params mean. */
  DataSettings dataSettings() {
    return DataSettings.builder()
        .features(List.of($(featuresCol)))
        .labels(List.of($(labelCol)))
        .scaling(ScalingMode.fromToken($(scaling)))
        .partitions((Integer) $(partitions))
        .validationFraction((Double) $(validationFraction))
        .build();
  }

  /**
   * Trains with the one training path: these params as the typed configuration, then {@link
   * DnnTrainer} on the dataset. {@code history} receives every epoch's metrics.
   */
  DnnTrainer.Fit train(Dataset<Row> data, NetworkSpec network, Task task, Consumer<EpochMetrics> history) {
    DnnTrainer.Fit fit = new DnnTrainer(dataSettings(), trainingConfig(network, task)).fit(data, null,
        "training data (" + getClass().getSimpleName() + ")", null, null, (m, s) -> history.accept(m));
    fit.packed.release();
    return fit;
  }

  /** The feature width of the data, from the features column (metadata or first row). */
  int featureWidth(Dataset<Row> data, Task task) {
    InputColumns columns = ColumnResolver.resolve(data, List.of($(featuresCol)), List.of($(labelCol)), List.of(),
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
