package io.sparkdnn.job;

import io.sparkdnn.files.Causes;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.ClassWeights;
import io.sparkdnn.data.DataFormat;
import io.sparkdnn.data.DataLayout;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.DataSource;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Ranges;
import io.sparkdnn.engine.Task;
import io.sparkdnn.results.MetricName;
import io.sparkdnn.scoring.ImportanceSettings;
import io.sparkdnn.store.Drift;
import io.sparkdnn.store.PromotionGate;
import io.sparkdnn.train.DivergenceAction;
import io.sparkdnn.train.OptimizerName;
import io.sparkdnn.train.OptimizerSettings;
import io.sparkdnn.train.RangeTestSettings;
import io.sparkdnn.train.ScheduleName;
import io.sparkdnn.train.StoppingMetric;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingMode;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads configuration into one {@link JobConfig}: the defaults shipped in the jar
 * (conf/defaults.conf), a job file, then {@code --set key=value} overrides, later ones winning;
 * substitutions ({@code ${HOME}}, {@code ${data.train.path}}) are resolved first. Keys that the
 * defaults do not list are errors (with the nearest known key suggested), except inside the
 * free-form maps. Every value is converted and checked here, once; errors name the key and the file.
 */
public final class ConfigLoader {
  static final String DEFAULTS = "io/sparkdnn/defaults.conf";
  /** Maps whose keys are the user's own (Spark settings, reader options). */
  private static final List<String> FREE_FORM = List.of(
      "spark.conf", "data.class-weights", "data.train.options", "data.validation.options", "data.test.options",
      "predict.input.options", "evaluate.input.options", "importance.input.options");

  private ConfigLoader() {}

  /**
   * @param file a job file (HOCON), or null for the defaults alone
   * @param overrides {@code key=value} strings, applied in order
   * @throws ConfigException for a missing file, a syntax error, an unknown key or a bad value
   */
  public static JobConfig load(File file, List<String> overrides) {
    return fromSettings(new Settings(merged(file, overrides)));
  }

  /** The defaults of conf/defaults.conf, typed. */
  public static JobConfig defaults() {
    return load(null, List.of());
  }

  /** Every key conf/defaults.conf lists (free-form maps as one key each). */
  public static Set<String> knownKeys() {
    return leafPaths(defaultsConfig().root(), "");
  }

  private static Config defaultsConfig() {
    return ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), DEFAULTS,
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  /**
   * A configuration file that cannot be read, as one line: for a syntax error the file and line, the
   * parser's problem and what to do; otherwise (the file cannot be opened) the reason. Typesafe Config
   * reports a '{' left open at the end of the file as "expecting a close parentheses ')' here, not:
   * end of file" (its words for a value that did not end); the line says what that means.
   */
  static String readError(File file, com.typesafe.config.ConfigException e) {
    if (!(e instanceof com.typesafe.config.ConfigException.Parse)) {
      return "cannot read " + file + ": " + Causes.firstLine(e);
    }
    com.typesafe.config.ConfigOrigin origin = e.origin();
    String problem = Causes.firstLine(e);
    if (origin != null && problem.startsWith(origin.description() + ": ")) {
      problem = problem.substring(origin.description().length() + 2);
    }
    if (problem.startsWith("expecting a close parentheses ')' here, not: end of file")) {
      problem = "the file ends before a '{' opened earlier is closed";
    }
    String where = origin != null && origin.lineNumber() > 0 ? " line " + origin.lineNumber() : "";
    return "cannot read " + file + where + ": " + problem + "; correct the syntax there (HOCON, as in "
        + "conf/defaults.conf)";
  }

  private static Config merged(File file, List<String> overrides) {
    Config defaults = defaultsConfig();
    Set<String> known = leafPaths(defaults.root(), "");
    Config config = defaults;
    if (file != null) {
      if (!file.isFile()) {
        throw new ConfigException("configuration file not found: " + file
            + (file.isAbsolute() ? "" : " (looked for " + file.getAbsolutePath() + ")"));
      }
      Config user;
      try {
        // Absolute: Typesafe Config resolves an include beside the including file's parent, and a
        // relative --conf (inc.conf) has none, so its include "base.conf" was silently not found.
        user = ConfigFactory.parseFile(file.getAbsoluteFile(), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF));
      } catch (com.typesafe.config.ConfigException e) {
        throw new ConfigException(readError(file, e));
      }
      checkKnown(user, known, "in " + file);
      config = user.withFallback(config);
    }
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--set expects key=value, found '" + override + "'");
      }
      String key = override.substring(0, eq).trim();
      String value = override.substring(eq + 1).trim();
      Config single;
      try {
        single = ConfigFactory.empty().withValue(key, parseValue(value, key));
      } catch (com.typesafe.config.ConfigException e) {
        throw new ConfigException("--set " + override + ": " + Causes.firstLine(e));
      }
      checkKnown(single, known, "in --set");
      config = single.withFallback(config);
    }
    try {
      return config.resolve();
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("cannot resolve the configuration: " + Causes.firstLine(e));
    }
  }

  /**
   * Settings given but not used because another setting takes their place, each with why: said
   * once, when the configuration is read, so that none is dropped silently. Only keys set outside
   * the defaults count.
   */
  static java.util.List<String> unused(File file, java.util.List<String> overrides) {
    return unused(new Settings(merged(file, overrides)));
  }

  private static java.util.List<String> unused(Settings s) {
    java.util.List<String> unused = new java.util.ArrayList<>();
    if (s.optionalString("data.validation.path") != null && !s.origin("data.validation-fraction").isEmpty()) {
      unused.add("data.validation-fraction" + s.origin("data.validation-fraction") + " is not used: "
          + "data.validation.path gives the validation rows, and every training row is trained on");
    }
    if ("sync".equals(s.optionalString("training.mode")) && !s.origin("training.outer-momentum").isEmpty()) {
      unused.add("training.outer-momentum" + s.origin("training.outer-momentum") + " is not used: it smooths "
          + "the averaged updates of local mode, and training.mode is sync");
    }
    if (s.optionalString("store.path") != null && s.optionalString("model.path") != null) {
      unused.add("model.path" + s.origin("model.path") + " is not used: with a model store (--store) the model is "
          + "written as a new version in the store");
    }
    return unused;
  }

  private static JobConfig fromSettings(Settings s) {
    for (String line : unused(s)) {
      org.slf4j.LoggerFactory.getLogger(ConfigLoader.class).warn(line);
    }
    DataSettings data = checked(s, "data", () -> new DataSettings(
        s.strings("data.features"),
        s.strings("data.label"),
        s.strings("data.id-columns"),
        s.parsed("data.scaling", ScalingMode::fromToken),
        s.parsed("data.target-scaling", ScalingMode::fromToken),
        s.parsed("data.bad-rows", BadRowPolicy::fromToken),
        s.integer("data.partitions"),
        s.integer("data.block-rows"),
        s.number("data.validation-fraction"),
        s.optionalString("data.weight"),
        classWeights(s),
        s.parsed("data.layout", DataLayout::fromToken)));
    JobConfig.SparkSettings spark = new JobConfig.SparkSettings(s.string("spark.master"), s.string("spark.app-name"),
        s.map("spark.conf"));
    TrainingConfig training = s.optionalString("network.layers") == null ? null : training(s);
    JobConfig.ModelSettings model = new JobConfig.ModelSettings(s.optionalString("model.path"),
        s.bool("model.overwrite"), s.optionalString("model.warm-start"));
    String promoteMetric = s.string("store.promote.metric");
    JobConfig.StoreSettings store = new JobConfig.StoreSettings(
        s.optionalString("store.path"), s.optionalString("store.name"), s.optionalString("store.run-id"),
        checked(s, "store.promote.margin", () -> new PromotionGate(
            promoteMetric.equals("auto") ? null : s.parsed("store.promote.metric", MetricName::fromToken),
            s.number("store.promote.margin"), s.bool("store.promote.force"))),
        checked(s, "store.drift", () -> new Drift(s.number("store.drift.mean-shift"),
            s.number("store.drift.std-ratio"), s.number("store.drift.label-shift"))),
        s.bool("store.promote.force"));
    JobConfig.PredictSettings predict = new JobConfig.PredictSettings(
        s.optionalString("predict.model"), source(s, "predict.input"), s.optionalString("predict.output.path"),
        s.parsed("predict.output.format", OutputFormat::fromToken),
        s.isSet("predict.keep-columns") ? s.strings("predict.keep-columns") : null,
        s.bool("predict.overwrite"), threshold(s, "predict.threshold"));
    JobConfig.EvaluateSettings evaluate = new JobConfig.EvaluateSettings(s.optionalString("evaluate.model"),
        source(s, "evaluate.input"), s.optionalString("evaluate.output"), s.bool("evaluate.overwrite"),
        threshold(s, "evaluate.threshold"));
    int prepareRows = checked(s, "prepare.rows", () -> Ranges.between("prepare.rows", s.integer("prepare.rows"), 100,
        10_000_000));
    JobConfig.PrepareSettings prepare = new JobConfig.PrepareSettings(
        s.parsed("prepare.dataset", PrepareDataset::fromToken), s.string("prepare.source"),
        s.optionalString("prepare.output"), prepareRows, s.longValue("prepare.seed"), s.bool("prepare.overwrite"));
    JobConfig.ExportSettings export = new JobConfig.ExportSettings(s.optionalString("export.model"),
        s.parsed("export.format", ExportFormat::fromToken), s.optionalString("export.output"),
        s.bool("export.overwrite"));
    return new JobConfig(spark, data, source(s, "data.train"), source(s, "data.validation"), source(s, "data.test"),
        training, s.parsed("training.blas", BlasBackend::fromToken), model, store, predict, evaluate, prepare,
        export, importance(s), lrFind(s));
  }

  private static JobConfig.Importance importance(Settings s) {
    ImportanceSettings.Builder b = ImportanceSettings.builder();
    String metric = s.string("importance.metric");
    set(s, "importance.metric", () -> b.metric(metric.equals("auto") ? null
        : s.parsed("importance.metric", MetricName::fromToken)));
    set(s, "importance.repeats", () -> b.repeats(s.integer("importance.repeats")));
    set(s, "importance.max-rows", () -> b.maxRows(s.longValue("importance.max-rows")));
    set(s, "importance.seed", () -> b.seed(s.longValue("importance.seed")));
    String groups = s.string("importance.groups");
    set(s, "importance.groups", () -> {
      if (!groups.equals("auto") && !groups.equals("none")) {
        throw new IllegalArgumentException("importance.groups must be auto or none, found '" + groups + "'");
      }
      b.groups(groups.equals("auto"));
    });
    return new JobConfig.Importance(s.optionalString("importance.model"), source(s, "importance.input"),
        s.optionalString("importance.output"), s.bool("importance.overwrite"), s.bool("importance.in-training"),
        b.build());
  }

  private static JobConfig.LrFind lrFind(Settings s) {
    RangeTestSettings.Builder b = RangeTestSettings.builder();
    set(s, "lr-find.min-rate", () -> b.minRate(s.number("lr-find.min-rate")));
    set(s, "lr-find.max-rate", () -> b.maxRate(s.number("lr-find.max-rate")));
    set(s, "lr-find.steps", () -> b.steps(s.integer("lr-find.steps")));
    set(s, "lr-find.smoothing", () -> b.smoothing(s.number("lr-find.smoothing")));
    set(s, "lr-find.stop-factor", () -> b.stopFactor(s.number("lr-find.stop-factor")));
    return new JobConfig.LrFind(s.optionalString("lr-find.output"), s.bool("lr-find.overwrite"),
        s.bool("lr-find.in-training"), checked(s, "lr-find.max-rate", b::build));
  }

  private static float threshold(Settings s, String key) {
    return checked(s, key, () -> (float) Ranges.openUnit(key, s.number(key)));
  }

  /** data.class-weights: none, balanced, or a map { label = weight }. */
  private static ClassWeights classWeights(Settings s) {
    String key = "data.class-weights";
    if (s.isObject(key)) {
      Map<String, Double> given = new java.util.LinkedHashMap<>();
      for (Map.Entry<String, String> e : s.map(key).entrySet()) {
        try {
          given.put(e.getKey(), Double.parseDouble(e.getValue()));
        } catch (NumberFormatException ex) {
          throw new ConfigException(key + ": the weight of class '" + e.getKey() + "' must be a number, found '"
              + e.getValue() + "'" + s.origin(key));
        }
      }
      return checked(s, key, () -> ClassWeights.given(given));
    }
    String mode = s.string(key);
    switch (mode.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "none":
        return ClassWeights.none();
      case "balanced":
        return ClassWeights.balanced();
      default:
        throw new ConfigException(key + " must be none, balanced or a map { label = weight, ... }, found '" + mode
            + "'" + s.origin(key));
    }
  }

  private static TrainingConfig training(Settings s) {
    NetworkSpec network = s.parsed("network.layers", NetworkSpec::parse);
    String task = s.string("network.task");
    String depth = s.string("training.tree-depth");
    OptimizerSettings.Builder o = OptimizerSettings.builder();
    set(s, "training.optimizer.name", () -> o.name(s.parsed("training.optimizer.name", OptimizerName::fromToken)));
    set(s, "training.optimizer.learning-rate", () -> o.learningRate(s.number("training.optimizer.learning-rate")));
    set(s, "training.optimizer.momentum", () -> o.momentum(s.number("training.optimizer.momentum")));
    set(s, "training.optimizer.beta1", () -> o.beta1(s.number("training.optimizer.beta1")));
    set(s, "training.optimizer.beta2", () -> o.beta2(s.number("training.optimizer.beta2")));
    set(s, "training.optimizer.epsilon", () -> o.epsilon(s.number("training.optimizer.epsilon")));
    set(s, "training.optimizer.weight-decay", () -> o.weightDecay(s.number("training.optimizer.weight-decay")));
    set(s, "training.optimizer.l2", () -> o.l2(s.number("training.optimizer.l2")));
    set(s, "training.optimizer.clip-norm", () -> o.clipNorm(s.number("training.optimizer.clip-norm")));
    set(s, "training.schedule.name", () -> o.schedule(s.parsed("training.schedule.name", ScheduleName::fromToken)));
    set(s, "training.schedule.step-epochs", () -> o.stepEpochs(s.number("training.schedule.step-epochs")));
    set(s, "training.schedule.step-factor", () -> o.stepFactor(s.number("training.schedule.step-factor")));
    set(s, "training.schedule.gamma", () -> o.gamma(s.number("training.schedule.gamma")));
    set(s, "training.schedule.min-learning-rate",
        () -> o.minLearningRate(s.number("training.schedule.min-learning-rate")));
    set(s, "training.schedule.warmup-epochs", () -> o.warmupEpochs(s.number("training.schedule.warmup-epochs")));
    set(s, "training.lbfgs.memory", () -> o.lbfgsMemory(s.integer("training.lbfgs.memory")));
    set(s, "training.lbfgs.max-evaluations", () -> o.lbfgsMaxEvaluations(s.integer("training.lbfgs.max-evaluations")));
    set(s, "training.lbfgs.tolerance", () -> o.lbfgsTolerance(s.number("training.lbfgs.tolerance")));
    OptimizerSettings optimizer = checked(s, "training.optimizer", o::build);
    TrainingConfig.Builder b = TrainingConfig.builder(network).optimizer(optimizer);
    set(s, "network.task", () -> b.task(task.equals("auto") ? null : s.parsed("network.task", Task::fromToken)));
    set(s, "network.init", () -> b.initialization(s.parsed("network.init", Initialization::fromToken)));
    set(s, "training.mode", () -> b.mode(s.parsed("training.mode", TrainingMode::fromToken)));
    set(s, "training.epochs", () -> b.epochs(s.integer("training.epochs")));
    set(s, "training.batch-size", () -> b.batchSize(
        "auto".equals(s.optionalString("training.batch-size")) ? TrainingConfig.AUTO : s.integer("training.batch-size")));
    set(s, "training.rounds-per-epoch", () -> b.roundsPerEpoch(s.integer("training.rounds-per-epoch")));
    set(s, "training.engine-batch-rows", () -> b.engineBatchRows(s.integer("training.engine-batch-rows")));
    set(s, "training.outer-momentum", () -> b.outerMomentum(s.number("training.outer-momentum")));
    set(s, "training.seed", () -> b.seed(s.longValue("training.seed")));
    set(s, "training.early-stopping.patience", () -> b.patience(s.integer("training.early-stopping.patience")));
    set(s, "training.early-stopping.min-delta", () -> b.minDelta(s.number("training.early-stopping.min-delta")));
    set(s, "training.early-stopping.metric",
        () -> b.stoppingMetric(s.oneOf("training.early-stopping.metric", StoppingMetric.class)));
    set(s, "training.divergence.action",
        () -> b.divergenceAction(s.parsed("training.divergence.action", DivergenceAction::fromToken)));
    set(s, "training.divergence.learning-rate-factor",
        () -> b.divergenceFactor(s.number("training.divergence.learning-rate-factor")));
    set(s, "training.divergence.max-retries", () -> b.maxRetries(s.integer("training.divergence.max-retries")));
    set(s, "training.tree-depth", () -> b.treeDepth(depth.equals("auto") ? 0 : s.integer("training.tree-depth")));
    set(s, "training.blas", () -> b.blas(s.parsed("training.blas", BlasBackend::fromToken)));
    b.checkpointDir(s.optionalString("checkpoint.dir"));
    set(s, "checkpoint.every-epochs", () -> b.checkpointEvery(s.integer("checkpoint.every-epochs")));
    set(s, "checkpoint.keep", () -> b.checkpointKeep(s.integer("checkpoint.keep")));
    set(s, "checkpoint.resume", () -> b.resume(s.bool("checkpoint.resume")));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      // A combination of keys is refused: say where each key the message names was set, so that
      // the user finds the line to change (not the origin of some other key).
      throw new ConfigException(e.getMessage() + origins(s, e.getMessage()));
    }
  }

  /** " (where a; where b)" for the keys named in {@code message} that were set outside the defaults. */
  private static String origins(Settings s, String message) {
    java.util.List<String> keys = new java.util.ArrayList<>(knownKeys());
    keys.sort(java.util.Comparator.comparingInt(String::length).reversed()); // a.b.c before a.b
    java.util.List<String> origins = new java.util.ArrayList<>();
    String rest = message;
    for (String key : keys) {
      if (rest.contains(key)) {
        rest = rest.replace(key, "");
        String origin = s.origin(key);
        if (!origin.isEmpty()) {
          String where = origin.substring(2, origin.length() - 1); // " (where)"
          origins.add(where.contains(key) ? where : key + " in " + where);
        }
      }
    }
    return origins.isEmpty() ? "" : " (" + String.join("; ", origins) + ")";
  }

  /** The source at {@code prefix} (…path, …format, …options), or null when its path is null. */
  private static DataSource source(Settings s, String prefix) {
    String path = s.optionalString(prefix + ".path");
    DataFormat format = s.parsed(prefix + ".format", DataFormat::fromToken);
    Map<String, String> options = s.map(prefix + ".options");
    return path == null ? null : new DataSource(path, format, options, prefix + ".path");
  }

  /** Runs a typed setter; its range error becomes a ConfigException that also says where the key was set. */
  private static void set(Settings s, String key, Runnable setter) {
    checked(s, key, () -> {
      setter.run();
      return null;
    });
  }

  private static <T> T checked(Settings s, String key, Supplier<T> build) {
    try {
      return build.get();
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage() + s.origin(key));
    }
  }

  /** Lists ([a, b]) and maps ({...}) as HOCON; null, numbers and booleans as such; else a string. */
  private static ConfigValue parseValue(String value, String key) {
    // every value carries "--set KEY" as its origin, so that an error about it says where it was set
    if (value.startsWith("[") || value.startsWith("{")) {
      return ConfigFactory.parseString("v = " + value).getValue("v")
          .withOrigin(com.typesafe.config.ConfigOriginFactory.newSimple("--set " + key));
    }
    if (value.equals("null")) {
      return ConfigValueFactory.fromAnyRef(null, "--set " + key);
    }
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    return ConfigValueFactory.fromAnyRef(value, "--set " + key);
  }

  private static void checkKnown(Config user, Set<String> known, String where) {
    for (String path : leafPaths(user.root(), "")) {
      if (known.contains(path) || isFreeForm(path)) {
        continue;
      }
      for (String parent = parentOf(path); parent != null; parent = parentOf(parent)) {
        if (known.contains(parent)) { // e.g. training.epochs = { a = 1 }: a map where one value goes
          throw new ConfigException(parent + " takes a single value, not a map of settings: found '" + path + "' "
              + where + " (conf/defaults.conf shows every key with its default)");
        }
      }
      String hint = known.contains(path + ".path") ? path + ".path" : nearest(path, known);
      throw new ConfigException("unknown configuration key '" + path + "' " + where
          + (hint != null ? "; did you mean " + hint + "?" : "")
          + " (every key is listed in conf/defaults.conf)");
    }
  }

  /** "a.b" of "a.b.c"; null for a path of one name or with a quoted name (no key of ours has one). */
  private static String parentOf(String path) {
    int dot = path.lastIndexOf('.');
    return dot <= 0 || path.contains("\"") ? null : path.substring(0, dot);
  }

  private static boolean isFreeForm(String path) {
    for (String prefix : FREE_FORM) {
      if (path.startsWith(prefix + ".") || path.equals(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Paths of every leaf, including nulls (which Config.entrySet leaves out), empty maps and values
   * still to be resolved (substitutions).
   */
  static Set<String> leafPaths(ConfigObject object, String prefix) {
    Set<String> paths = new TreeSet<>();
    for (String name : object.keySet()) {
      String path = prefix.isEmpty() ? quoteIfNeeded(name) : prefix + "." + quoteIfNeeded(name);
      ConfigValue v = object.get(name);
      ConfigValueType type;
      try {
        type = v.valueType();
      } catch (com.typesafe.config.ConfigException.NotResolved e) {
        type = null;
      }
      if (type == ConfigValueType.OBJECT && !((ConfigObject) v).isEmpty() && !isFreeForm(path)) {
        paths.addAll(leafPaths((ConfigObject) v, path));
      } else {
        paths.add(path);
      }
    }
    return paths;
  }

  private static String quoteIfNeeded(String key) {
    return key.contains(".") ? "\"" + key + "\"" : key;
  }

  private static String nearest(String path, Set<String> known) {
    return NearestName.of(path, known);
  }
}
