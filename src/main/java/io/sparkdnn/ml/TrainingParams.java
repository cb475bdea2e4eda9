package io.sparkdnn.ml;

import io.sparkdnn.files.Causes;
import io.sparkdnn.data.ClassWeights;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.engine.Token;
import io.sparkdnn.train.OptimizerName;
import io.sparkdnn.train.OptimizerSettings;
import io.sparkdnn.train.ScheduleName;
import io.sparkdnn.train.StoppingMetric;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingMode;
import io.sparkdnn.data.Columns;
import io.sparkdnn.data.DataException;
import io.sparkdnn.train.DnnTrainer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The training params of the spark-dnn estimators, created for one owner (the estimator, as the
 * params' parent) with their defaults set on it. Each is the counterpart of a configuration key of
 * {@code dnn train} (named in its doc); defaults and ranges are those of the typed configuration
 * ({@link TrainingConfig}, {@link OptimizerSettings}, {@link DataSettings}), so a value is refused
 * exactly when the configuration key would be. Users reach them through the methods of
 * {@link DnnTrainingParams}; this holder has no public members.
 */
public final class TrainingParams implements Serializable {
  private static final long serialVersionUID = 1L;

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
  final DoubleParam minDelta;
  final Param<String> stoppingMetric;
  final DoubleParam validationFraction;
  final Param<String> validationIndicatorCol;
  final Param<String> weightCol; // null in a fitted model's (it has its own)
  final LongParam seed;
  final IntParam treeDepth;
  final Param<String> scaling;
  final IntParam partitions;
  final Param<String> initialization;
  final Param<String> checkpointDir;
  final Param<String> handleInvalid; // null in a fitted model's (it has its own)

  /** The params of an estimator, with their defaults set on {@code owner}. */
  TrainingParams(Params owner, String defaultHidden) {
    this(owner, defaultHidden, true);
  }

  /**
   * The params of a fitted model, whose values {@code fit} copies from the estimator (Spark's
   * {@code copyValues}, which copies a default only to a param that has one, so these have the
   * estimator's): without weightCol and handleInvalid, which the model has of its own.
   */
  static TrainingParams ofModel(Params owner, String defaultHidden) {
    return new TrainingParams(owner, defaultHidden, false);
  }

  private TrainingParams(Params owner, String defaultHidden, boolean estimator) {
    TrainingConfig d = TrainingConfig.builder(NetworkSpec.parse("1-2softmax")).build();
    OptimizerSettings o = d.optimizer();
    DataSettings data = DataSettings.builder().build();
    TrainingConfig.Builder check = TrainingConfig.builder(null);
    OptimizerSettings.Builder checkOptimizer = OptimizerSettings.builder();
    DataSettings.Builder checkData = DataSettings.builder();
    String name = owner.getClass().getSimpleName();
    hiddenLayers = new Param<>(owner, "hiddenLayers",
        "hidden layers, WIDTH ACTIVATION [+dropoutRATE] joined by '-', e.g. 256relu-128relu+dropout0.2; "
            + "input and output layers follow from the data (network.layers)",
        v -> explained(name, "hiddenLayers", () -> hiddenSpec(v, 1, 2, "softmax")));
    owner.setDefault(hiddenLayers, defaultHidden);
    epochs = intParam(owner, "epochs", "training.epochs", "the most passes over the training data (training "
        + "stops earlier when the validation loss stops improving: patience)", d.epochs(), check::epochs);
    batchSize = intParam(owner, "batchSize", "training.batch-size",
        "rows per local optimizer step (local mode); 0 = auto (128, fewer for small data)", d.batchSize(),
        check::batchSize);
    mode = choice(owner, name, "mode", "training.mode", "sync (summed gradients) or local (averaged local steps)",
        TrainingMode.class, d.mode());
    roundsPerEpoch = intParam(owner, "roundsPerEpoch", "training.rounds-per-epoch", "rounds (Spark jobs) per epoch",
        d.roundsPerEpoch(), check::roundsPerEpoch);
    optimizer = choice(owner, name, "optimizer", "training.optimizer.name", "update rule", OptimizerName.class,
        o.name());
    learningRate = doubleParam(owner, "learningRate", "training.optimizer.learning-rate", "learning rate",
        o.learningRate(), checkOptimizer::learningRate);
    momentum = doubleParam(owner, "momentum", "training.optimizer.momentum", "momentum (momentum, nesterov)",
        o.momentum(), checkOptimizer::momentum);
    weightDecay = doubleParam(owner, "weightDecay", "training.optimizer.weight-decay",
        "decoupled weight decay (adamw)", o.weightDecay(), checkOptimizer::weightDecay);
    l2 = doubleParam(owner, "l2", "training.optimizer.l2", "L2 penalty ½·l2·‖W‖² on the weights", o.l2(),
        checkOptimizer::l2);
    clipNorm = doubleParam(owner, "clipNorm", "training.optimizer.clip-norm", "gradient-norm clipping, 0 for none",
        o.clipNorm(), checkOptimizer::clipNorm);
    schedule = choice(owner, name, "schedule", "training.schedule.name", "learning-rate schedule",
        ScheduleName.class, o.scheduleName());
    warmupEpochs = doubleParam(owner, "warmupEpochs", "training.schedule.warmup-epochs", "linear warm-up, in epochs",
        o.warmupEpochs(), checkOptimizer::warmupEpochs);
    patience = intParam(owner, "patience", "training.early-stopping.patience",
        "early stopping: epochs without improvement of stoppingMetric; 0 for none", d.patience(), check::patience);
    minDelta = doubleParam(owner, "minDelta", "training.early-stopping.min-delta",
        "early stopping: the least change that counts as an improvement", d.minDelta(), check::minDelta);
    stoppingMetric = choice(owner, name, "stoppingMetric", "training.early-stopping.metric",
        "what early stopping watches", StoppingMetric.class, d.stoppingMetric());
    validationFraction = doubleParam(owner, "validationFraction", "data.validation-fraction",
        "share of rows held out for validation (when validationIndicatorCol is not set)", data.validationFraction(),
        checkData::validationFraction);
    validationIndicatorCol = new Param<>(owner, "validationIndicatorCol",
        "boolean column: true marks a validation row, false a training row (as Spark's GBT and XGBoost); "
            + "empty to hold out validationFraction instead");
    owner.setDefault(validationIndicatorCol, "");
    weightCol = estimator ? new Param<>(owner, "weightCol",
        "column of row weights (numbers ≥ 0) in the loss, the gradient and every metric; empty for none (data.weight)")
        : null;
    if (estimator) {
      owner.setDefault(weightCol, "");
    }
    seed = new LongParam(owner, "seed", "random seed (training.seed)");
    owner.setDefault(seed, d.seed());
    treeDepth = intParam(owner, "treeDepth", "training.tree-depth", "treeAggregate depth; 0 chooses one",
        d.treeDepth(), check::treeDepth);
    scaling = choice(owner, name, "scaling", "data.scaling", "feature scaling", ScalingMode.class, data.scaling());
    partitions = intParam(owner, "partitions", "data.partitions", "partitions of the cached data; 0 follows Spark",
        data.partitions(), checkData::partitions);
    initialization = choice(owner, name, "initialization", "network.init", "weight initialisation",
        Initialization.class, d.initialization());
    checkpointDir = new Param<>(owner, "checkpointDir", "directory for checkpoints; empty for none (checkpoint.dir)");
    owner.setDefault(checkpointDir, "");
    handleInvalid = estimator ? HandleInvalid.param(owner) : null;
  }

  /** The training configuration {@code owner}'s values mean, for {@code network} and {@code task}. */
  TrainingConfig trainingConfig(Params owner, NetworkSpec network, Task task) {
    OptimizerSettings optimizerSettings = OptimizerSettings.builder()
        .name(OptimizerName.fromToken(owner.getOrDefault(optimizer)))
        .learningRate((Double) owner.getOrDefault(learningRate))
        .momentum((Double) owner.getOrDefault(momentum))
        .weightDecay((Double) owner.getOrDefault(weightDecay))
        .l2((Double) owner.getOrDefault(l2))
        .clipNorm((Double) owner.getOrDefault(clipNorm))
        .schedule(ScheduleName.fromToken(owner.getOrDefault(schedule)))
        .warmupEpochs((Double) owner.getOrDefault(warmupEpochs))
        .build();
    String dir = owner.getOrDefault(checkpointDir);
    return TrainingConfig.builder(network)
        .task(task)
        .initialization(Initialization.fromToken(owner.getOrDefault(initialization)))
        .mode(TrainingMode.fromToken(owner.getOrDefault(mode)))
        .epochs((Integer) owner.getOrDefault(epochs))
        .batchSize((Integer) owner.getOrDefault(batchSize))
        .roundsPerEpoch((Integer) owner.getOrDefault(roundsPerEpoch))
        .optimizer(optimizerSettings)
        .seed((Long) owner.getOrDefault(seed))
        .patience((Integer) owner.getOrDefault(patience))
        .minDelta((Double) owner.getOrDefault(minDelta))
        .stoppingMetric(StoppingMetric.fromToken(owner.getOrDefault(stoppingMetric)))
        .treeDepth((Integer) owner.getOrDefault(treeDepth))
        .checkpointDir(dir.isEmpty() ? null : dir)
        .build();
  }

  /** The data settings {@code owner}'s values mean, reading {@code features} and {@code labels}. */
  DataSettings dataSettings(Params owner, String features, String labels, ClassWeights classWeights) {
    String weight = owner.getOrDefault(weightCol);
    return DataSettings.builder()
        .features(List.of(features))
        .labels(List.of(labels))
        .scaling(ScalingMode.fromToken(owner.getOrDefault(scaling)))
        .partitions((Integer) owner.getOrDefault(partitions))
        .validationFraction((Double) owner.getOrDefault(validationFraction))
        .weightColumn(weight.isEmpty() ? null : weight)
        .classWeights(classWeights)
        .badRows(HandleInvalid.fromToken(owner.getOrDefault(handleInvalid)).policy())
        .build();
  }

  /**
   * Trains with the one training path of the project: {@code owner}'s values as the typed
   * configuration, then {@link DnnTrainer} on {@code data}. With {@code validationIndicatorCol}
   * set, its true rows are the validation data and its false rows the training data; otherwise
   * {@code validationFraction} of the rows is held out at random.
   *
   * @throws DataException when the data cannot be trained on (no rows, bad labels or rows)
   */
  DnnTrainer.Fit fit(Params owner, Dataset<Row> data, String features, String labels, ClassWeights classWeights,
      NetworkSpec network, Task task) {
    String indicator = owner.getOrDefault(validationIndicatorCol);
    Column marked = indicator.isEmpty() ? null
        : functions.coalesce(Columns.col(data, indicator), functions.lit(false));
    Dataset<Row> training = marked == null ? data : data.filter(functions.not(marked));
    Dataset<Row> validation = marked == null ? null : data.filter(marked);
    String[] names = inputNames("training data (" + owner.uid() + ")", indicator);
    // The uid is random per JVM unless given: in the checkpoints' identity the stage is its class, so a
    // fit cut off in one JVM resumes in the next with the same params and data.
    String[] checkpointNames = inputNames("training data (" + owner.getClass().getSimpleName() + ")", indicator);
    DnnTrainer trainer = new DnnTrainer(dataSettings(owner, features, labels, classWeights),
        trainingConfig(owner, network, task)).withCheckpointNames(checkpointNames[0], checkpointNames[1]);
    DnnTrainer.Fit fit;
    try {
      fit = HandleInvalid.explained(() -> trainer.fit(training, validation, names[0], names[1], null,
          (metrics, state) -> { }));
    } catch (io.sparkdnn.train.DivergenceException e) {
      throw new io.sparkdnn.train.DivergenceException(inParamWords(e.getMessage(), owner));
    } catch (io.sparkdnn.data.DataException e) {
      if (e.getClass() != io.sparkdnn.data.DataException.class) {
        throw e; // a bad row: HandleInvalid has put it in this API's words already
      }
      throw new io.sparkdnn.data.DataException(inParamWords(e.getMessage(), owner));
    } catch (io.sparkdnn.files.DirectoryLock.LockedException e) {
      throw new IllegalStateException(inParamWords(e.getMessage(), owner), e);
    } catch (java.io.UncheckedIOException e) {
      // a checkpointDir that cannot be used: what happened, where and what to do, as the command line says it
      String described = io.sparkdnn.files.FileFailures.describe(e);
      throw new java.io.UncheckedIOException(inParamWords(described != null ? described : e.getMessage(), owner),
          e.getCause());
    }
    fit.release();
    // The model is made: checkpoints served to resume this fit had it been cut off. Left in place,
    // the next fit of the same params and data would resume after their last epoch and train none.
    fit.clearCheckpoints();
    return fit;
  }

  /**
   * A training failure's message in this API's words: the command line's keys (whose remedies the
   * shared trainer gives, "lower training.optimizer.learning-rate") as the params that set them
   * (each param's doc ends with its key in brackets), and no model file where fit returns none.
   */
  static String inParamWords(String message, Params owner) {
    java.util.Map<String, String> byKey = new java.util.TreeMap<>(
        java.util.Comparator.comparingInt(String::length).reversed().thenComparing(k -> k));
    for (org.apache.spark.ml.param.Param<?> p : owner.params()) {
      String key = configurationKey(p);
      if (key != null) {
        byKey.put(key, p.name());
      }
    }
    String text = message.replace("; no model was written", "; fit made no model");
    for (java.util.Map.Entry<String, String> e : byKey.entrySet()) {
      text = text.replace(e.getKey(), e.getValue());
    }
    return text;
  }

  /** The configuration key a param stands for, from the end of its doc ("… (training.epochs)"), or null. */
  static String configurationKey(Param<?> p) {
    String doc = p.doc();
    int open = doc.lastIndexOf('(');
    if (doc.endsWith(")") && open >= 0) {
      String key = doc.substring(open + 1, doc.length() - 1);
      if (key.matches("[a-z-]+(\\.[a-z-]+)+")) {
        return key;
      }
    }
    return null;
  }

  /**
   * Sets {@code owner}'s params that stand for a configuration key (their doc ends with it: the
   * training params, a classifier's classWeights) from a model's recorded configuration (key → value
   * as {@code --set} takes it): for a model saved before fitted models carried their training params,
   * whose saved params hold none of them. hiddenLayers comes from network.layers without its input
   * and output layers. A key the record lacks, or a value the param refuses, leaves that param at its
   * default.
   */
  void setFromRecord(Params owner, Map<String, String> configuration) {
    for (Param<?> p : owner.params()) {
      String key = configurationKey(p);
      String text = key == null ? null : configuration.get(key);
      if (text == null) {
        continue;
      }
      try {
        Object value = recordedValue(p, text);
        @SuppressWarnings("unchecked")
        Param<Object> param = (Param<Object>) p;
        if ((Boolean) param.isValid().apply(value)) {
          owner.set(param, value);
        }
      } catch (IllegalArgumentException e) { // not a value this param takes: it keeps its default
      }
    }
  }

  /**
   * A recorded configuration value as {@code p}'s value.
   *
   * @throws IllegalArgumentException when it is not one (NumberFormatException among them)
   */
  private Object recordedValue(Param<?> p, String text) {
    if (p.name().equals(hiddenLayers.name())) {
      String[] layers = text.split("-");
      if (layers.length < 2) {
        throw new IllegalArgumentException("not a network: " + text);
      }
      return String.join("-", java.util.Arrays.asList(layers).subList(1, layers.length - 1));
    }
    if (p instanceof IntParam) {
      return text.equals("auto") ? 0 : Integer.parseInt(text); // batch size and tree depth: auto is 0
    }
    if (p instanceof LongParam) {
      return Long.parseLong(text);
    }
    if (p instanceof DoubleParam) {
      return Double.parseDouble(text);
    }
    if (text.startsWith("{")) { // given class weights, recorded as a JSON object: label:weight,…
      List<String> pairs = new ArrayList<>();
      io.sparkdnn.results.Json.parse(text, "recorded " + p.name()).fields()
          .forEachRemaining(e -> pairs.add(e.getKey() + ":" + e.getValue().asText()));
      return String.join(",", pairs);
    }
    return text;
  }

  /**
   * The training and validation inputs' names for data called {@code name}, split by the boolean
   * column {@code indicator} (empty: not split, and the validation rows are held out of it). Named
   * by the indicator, so that "has no rows" points at it when it marks every row for validation.
   */
  private static String[] inputNames(String name, String indicator) {
    return indicator.isEmpty() ? new String[] {name, "validation rows held out of " + name}
        : new String[] {"the rows of " + name + " whose " + indicator + " is false or null",
            "validation rows of " + name + " (" + indicator + " = true)"};
  }

  /**
   * The summary of a fit: its history (epochs restored from a checkpoint first), kept epoch, stop reason
   * and validation metrics; the stop reason names the params that set the limits ("epochs = 20"), not
   * the configuration keys.
   */
  static DnnTrainingSummary summary(DnnTrainer.Fit fit, Params owner) {
    return new DnnTrainingSummary(fit.model.task(), fit.history, fit.result.validationMetrics(),
        fit.result.bestEpoch(), inParamWords(fit.result.stopReason(), owner));
  }

  /** weightCol, when set, is numeric; validationIndicatorCol, when set, is boolean. */
  static void checkOptionalColumns(StructType schema, DnnTrainingParams<?> owner) {
    if (!owner.getWeightCol().isEmpty()) {
      MlSchemas.requireNumeric(schema, owner.getWeightCol(), "weightCol", owner, " (row weights ≥ 0)");
    }
    String indicator = owner.getValidationIndicatorCol();
    if (!indicator.isEmpty()) {
      DataType type = MlSchemas.require(schema, indicator, "validationIndicatorCol", owner);
      if (!(type instanceof BooleanType)) {
        throw new IllegalArgumentException(owner.uid() + ": validationIndicatorCol '" + indicator + "' has type "
            + type.simpleString() + "; expected boolean (true marks a validation row)");
      }
    }
  }

  /** none, balanced, or label:weight,label:weight. */
  static ClassWeights parseClassWeights(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("none") || t.isEmpty()) {
      return ClassWeights.none();
    }
    if (t.equals("balanced")) {
      return ClassWeights.balanced();
    }
    Map<String, Double> given = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      int colon = pair.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("expected none, balanced or label:weight,…; found '" + pair.trim() + "'");
      }
      try {
        given.put(pair.substring(0, colon).trim(), Double.parseDouble(pair.substring(colon + 1).trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the weight in '" + pair.trim() + "' is not a number");
      }
    }
    return ClassWeights.given(given);
  }

  /** The full spec for {@code inputs} inputs, the hidden layers, and {@code outputs} outputs. */
  static NetworkSpec hiddenSpec(String hidden, int inputs, int outputs, String outputActivation) {
    String middle = hidden.isBlank() ? "" : hidden.trim() + "-";
    String whole = inputs + "-" + middle + outputs + outputActivation;
    try {
      return NetworkSpec.parse(whole);
    } catch (IllegalArgumentException e) { // quote what the user wrote, not the input and output layers added to it
      throw new IllegalArgumentException(e.getMessage().replace("network spec '" + whole + "'",
          "hidden layers '" + hidden + "'"), e);
    }
  }

  private static IntParam intParam(Params owner, String name, String key, String doc, int defaultValue,
      Consumer<Integer> setter) {
    IntParam p = new IntParam(owner, name, doc + " (" + key + ")", v -> accepts(owner, name, key, setter, (Integer) v));
    owner.setDefault(p, defaultValue);
    return p;
  }

  private static DoubleParam doubleParam(Params owner, String name, String key, String doc, double defaultValue,
      Consumer<Double> setter) {
    DoubleParam p = new DoubleParam(owner, name, doc + " (" + key + ")", v -> accepts(owner, name, key, setter, (Double) v));
    owner.setDefault(p, defaultValue);
    return p;
  }

  /**
   * True when the typed configuration's setter takes the value (its range is checked there, once);
   * otherwise throws the setter's reason in this API's words — the param's name for the configuration
   * key — rather than Spark's bare "given invalid value".
   */
  private static <T> boolean accepts(Params owner, String name, String key, Consumer<T> setter, T value) {
    try {
      setter.accept(value);
      return true;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(owner.getClass().getSimpleName() + " param " + name + ": "
          + Causes.firstLine(e).replace(key, name));
    }
  }

  /** A param taking one of {@code type}'s tokens; {@code key}: the configuration key it stands for, or null. */
  static <E extends Enum<E> & Token> Param<String> choice(Params owner, String owned, String name, String key,
      String doc, Class<E> type, E defaultValue) {
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(e.token());
    }
    String named = doc + ", one of " + allowed + (key == null ? "" : " (" + key + ")");
    Param<String> p = new Param<>(owner, name, named, v -> {
      if (!allowed.contains(v.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(owned + " param " + name + ": '" + v + "' is not one of " + allowed);
      }
      return true;
    });
    owner.setDefault(p, defaultValue.token());
    return p;
  }

  /** The class-weights param of a classifier: none, balanced, or label:weight,… (data.class-weights). */
  static Param<String> classWeightsParam(Params owner) {
    Param<String> p = new Param<>(owner, "classWeights",
        "how much each class counts in the training loss: none, balanced (each class in inverse proportion to "
            + "its rows), or label:weight,label:weight (data.class-weights)",
        v -> explained(owner.getClass().getSimpleName(), "classWeights", () -> parseClassWeights(v)));
    owner.setDefault(p, "none");
    return p;
  }

  /** A validator that explains: our parsers' messages instead of Spark's "given invalid value". */
  private static boolean explained(String owner, String name, Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(owner + " param " + name + ": " + Causes.firstLine(e));
    }
  }
}
