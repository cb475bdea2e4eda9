package io.sparkdnn.train;

import io.sparkdnn.files.Causes;
import io.sparkdnn.files.DirectoryLock;
import io.sparkdnn.files.PosixLocalFileSystem;
import io.sparkdnn.data.BlockPacker;
import io.sparkdnn.data.ColumnResolver;
import io.sparkdnn.data.Columns;
import io.sparkdnn.data.DataException;
import io.sparkdnn.data.DataLayout;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.DataSource;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.DataProfile;
import io.sparkdnn.data.DistinctLabels;
import io.sparkdnn.data.Failures;
import io.sparkdnn.data.EmptyInput;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.LabelDiscovery;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.data.LayoutResolver;
import io.sparkdnn.data.PackedData;
import io.sparkdnn.data.PackingOptions;
import io.sparkdnn.data.RowConverter;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.data.SkippedRows;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.TrainingRecord;
import io.sparkdnn.model.Versions;
import io.sparkdnn.results.DataSummary;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.LearningRateRange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link DnnModel} from DataFrames: resolves the columns, indexes the labels, packs and
 * caches the rows, fits the feature scaling, checks that data and network agree, runs the
 * {@link DistributedTrainer}, and assembles the model with its metadata. The one training path
 * behind the command line and the Spark ML estimators.
 */
public final class DnnTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(DnnTrainer.class);
  /** The most classes a classifier may have. */
  public static final int MAX_CLASSES = 10_000;
  /** training.batch-size = auto gives every partition at least this many steps per round ... */
  private static final int MIN_STEPS = 8;
  /** ... with batches of at least this many rows. */
  private static final int MIN_BATCH = 8;

  private final DataSettings data;
  private final TrainingConfig config;
  /** Run a range test before training and train with its suggestion; null: no. */
  private RangeTestSettings rangeTest;
  private Dataset<Row> test;
  private String testName;
  /** The inputs' names in a checkpoint's identity; null: the names {@link #fit} is given. */
  private String trainingKey;
  private String validationKey;

  public DnnTrainer(DataSettings data, TrainingConfig config) {
    this.data = data;
    this.config = config;
  }

  /** The result of {@link #fit}: the model, how training went, and the (still cached) data. */
  public static final class Fit {
    public final DnnModel model;
    public final TrainingResult result;
    public final PackedData packed;
    public final double packSeconds;
    /** Epochs restored from a checkpoint (0 when training started afresh). */
    public final int resumedEpochs;
    /**
     * Every epoch's metrics: those restored from a checkpoint, then this run's ({@code result.history()}
     * holds this run's only).
     */
    public final List<EpochMetrics> history;
    /** The range test run before training (lr-find.in-training), or null. */
    public final LearningRateRange rangeTest;
    /** The test rows ({@link #withTestData}), packed before training and still cached; or null. */
    public final PackedData test;
    private final Checkpoints checkpoints;

    Fit(DnnModel model, TrainingResult result, PackedData packed, double packSeconds, int resumedEpochs,
        List<EpochMetrics> history, Checkpoints checkpoints, LearningRateRange rangeTest, PackedData test) {
      this.history = List.copyOf(history);
      this.rangeTest = rangeTest;
      this.test = test;
      this.model = model;
      this.result = result;
      this.packed = packed;
      this.packSeconds = packSeconds;
      this.resumedEpochs = resumedEpochs;
      this.checkpoints = checkpoints;
    }

    /** Releases the cached training, validation and test blocks. */
    public void release() {
      packed.release();
      if (test != null) {
        test.release();
      }
    }

    /** Deletes this run's checkpoints: call once the model is safely written. */
    public void clearCheckpoints() {
      if (checkpoints != null) {
        checkpoints.clear();
      }
    }
  }

  /**
   * Trains, continuing from the newest valid checkpoint of this configuration when checkpointing
   * and resuming are on. With {@link #withRangeTest} set, a learning-rate range test runs first on
   * the packed training rows and training uses its suggested rate (the model's recorded
   * configuration says so: training.optimizer.learning-rate is the rate used).
   *
   * @param validation held-out data, or null to split {@code data.validation-fraction} off training
   * @param warmStart a model to start from (checked compatible), or null
   * @throws DataException for unusable data, among them training data without rows (found by the
   *     first scan of it, so the caller need not check first; see {@link EmptyInput})
   */
  public Fit fit(Dataset<Row> training, Dataset<Row> validation, String trainingName, String validationName,
      DnnModel warmStart, TrainingListener listener) {
    // One run at a time in a checkpoint.dir, refused before it reads any data: two runs there would
    // each delete the other's checkpoints (as those of other settings) or resume from them.
    try (DirectoryLock lock = config.checkpointDir() == null ? null
        : Checkpoints.lock(config.checkpointDir(), files(training.sparkSession().sparkContext()))) {
      return fitLocked(training, validation, trainingName, validationName, warmStart, listener);
    }
  }

  /** The Hadoop configuration for the checkpoints: see {@link PosixLocalFileSystem#forSession}. */
  private static org.apache.hadoop.conf.Configuration files(org.apache.spark.SparkContext sc) {
    return PosixLocalFileSystem.forSession(sc.hadoopConfiguration(), sc.master());
  }

  private Fit fitLocked(Dataset<Row> training, Dataset<Row> validation, String trainingName, String validationName,
      DnnModel warmStart, TrainingListener listener) {
    Prepared p = prepare(training, validation, trainingName, validationName, warmStart);
    PackedData packed = p.packed;
    try {
      NetworkSpec spec = config.network();
      TrainingConfig resolved = p.config;
      TrainingConfig recorded = config;
      LearningRateRange range = null;
      if (rangeTest != null) {
        range = new LearningRateFinder(p.sc, resolved, rangeTest).run(packed, p.scaling, p.targetScaling, p.classWeights,
            p.initial);
        LOG.info("training with the range test's suggested learning rate {} (lr-find.in-training = true) instead of "
            + "training.optimizer.learning-rate = {}", range.suggested(), config.optimizer().learningRate());
        resolved = withLearningRate(resolved, range.suggested());
        recorded = withLearningRate(config, range.suggested());
      }
      TrainingConfig trained = resolved;
      String[] classNames = p.labels == null ? null : p.labels.labels();
      Checkpoints checkpoints = config.checkpointDir() == null ? null : new Checkpoints(config.checkpointDir(),
          identity(training, validation, trainingKey != null ? trainingKey : trainingName,
              validationKey != null ? validationKey : validationName, packed, warmStart), config.checkpointKeep(),
          files(p.sc.sc()));
      List<EpochMetrics> history = new ArrayList<>();
      TrainingState resume = null;
      if (checkpoints != null && config.resume()) {
        Checkpoints.Restored restored = checkpoints.latest();
        if (restored != null) {
          resume = restored.state;
          history.addAll(restored.metrics);
          LOG.info("resuming after epoch {} from checkpoint {}", resume.epochsDone(), restored.file);
          listener.onResume(restored.metrics, resume);
        }
      }
      int resumedEpochs = resume == null ? 0 : resume.epochsDone();
      TrainingListener withCheckpoints = (metrics, state) -> {
        listener.onEpoch(metrics, state);
        history.add(metrics);
        if (checkpoints != null && (state.epochsDone() % trained.checkpointEvery() == 0
            || state.finished() || state.epochsDone() == trained.epochs())) {
          checkpoints.write(state, history);
        }
      };
      TrainingResult result = new DistributedTrainer(p.sc, resolved)
          .train(packed, p.scaling, p.targetScaling, p.classWeights, classNames, p.initial, resume, withCheckpoints);
      TrainingRecord record = record(recorded, packed, result, history, resumedEpochs, warmStart,
          p.profile.summary(DataProfile.featureNames(p.columns), classNames));
      DnnModel model = new DnnModel(spec, config.task(), result.weights(), p.columns, p.scaling, p.targetScaling,
          p.labels, record);
      return new Fit(model, result, packed, p.packSeconds, resumedEpochs, history, checkpoints, range, p.test);
    } catch (RuntimeException e) {
      packed.release();
      if (p.test != null) {
        p.test.release();
      }
      throw e;
    }
  }

  /**
   * Whether {@code distinct} label values over {@code rows} labelled rows name rows rather than classes:
   * more than 10 values, on more than half the rows (ids, names, measurements). A classifier of them
   * learns nothing.
   */
  public static boolean looksLikeIds(long distinct, long rows) {
    return distinct > 10 && distinct * 2 > rows;
  }

  /**
   * A trainer that runs a learning-rate range test before training and trains with its suggested
   * rate ({@code lr-find.in-training}); null settings turn that off.
   */
  public DnnTrainer withRangeTest(RangeTestSettings settings) {
    DnnTrainer t = copy();
    t.rangeTest = settings;
    return t;
  }

  /**
   * A trainer that also reads, checks and packs {@code test} (data.test) with the training rows,
   * before the first epoch: a bad row there stops the run before any training is done, rather than
   * after all of it, and the test evaluation at the end reads the cached blocks ({@link Fit#test}).
   * Null: no test data.
   */
  public DnnTrainer withTestData(Dataset<Row> test, String testName) {
    DnnTrainer t = copy();
    t.test = test;
    t.testName = testName;
    return t;
  }

  /**
   * A trainer whose checkpoints name the training and validation data {@code trainingKey} and
   * {@code validationKey} in their identity, instead of the names given to {@link #fit}. For names
   * that hold something differing between two runs of the same fit — a Spark ML stage's uid, random
   * per JVM — which would keep a fit cut off in one JVM from resuming in the next. The data's files,
   * row counts and every setting stay in the identity.
   */
  public DnnTrainer withCheckpointNames(String trainingKey, String validationKey) {
    DnnTrainer t = copy();
    t.trainingKey = trainingKey;
    t.validationKey = validationKey;
    return t;
  }

  private DnnTrainer copy() {
    DnnTrainer t = new DnnTrainer(data, config);
    t.rangeTest = rangeTest;
    t.test = test;
    t.testName = testName;
    t.trainingKey = trainingKey;
    t.validationKey = validationKey;
    return t;
  }

  /**
   * The learning-rate range test alone ({@code dnn lr-find}): the same columns, labels, packing,
   * scaling, batch size and initial weights as {@link #fit} would use, then {@link
   * LearningRateFinder} on the training rows; no model. The packed data is released before
   * returning.
   */
  public LearningRateRange findLearningRate(Dataset<Row> training, Dataset<Row> validation, String trainingName,
      String validationName, RangeTestSettings settings) {
    Prepared p = prepare(training, validation, trainingName, validationName, null);
    try {
      return new LearningRateFinder(p.sc, p.config, settings).run(p.packed, p.scaling, p.targetScaling, p.classWeights,
          p.initial);
    } finally {
      p.packed.release();
    }
  }

  private static TrainingConfig withLearningRate(TrainingConfig c, double rate) {
    return c.toBuilder().optimizer(c.optimizer().toBuilder().learningRate(rate).build()).build();
  }

  /** Everything {@link #fit} knows before its first epoch. */
  private static final class Prepared {
    JavaSparkContext sc;
    InputColumns columns;
    LabelIndex labels;
    PackedData packed;
    double packSeconds;
    DataProfile profile;
    FeatureScaling scaling;
    TargetScaling targetScaling;
    /** Per class, from data.class-weights; null for none (and for multi-label and regression). */
    float[] classWeights;
    /** The configuration with training.batch-size resolved. */
    TrainingConfig config;
    float[] initial;
    PackedData test;
  }

  /**
   * Resolves the columns, indexes the labels, packs and caches the rows (released here on failure,
   * else the caller's), profiles them and fits the scaling, resolves the batch size and draws (or
   * takes) the initial weights.
   */
  private Prepared prepare(Dataset<Row> training, Dataset<Row> validation, String trainingName,
      String validationName, DnnModel warmStart) {
    NetworkSpec spec = config.network();
    Task task = config.task();
    Prepared p = new Prepared();
    List<String> neverFeatures = new ArrayList<>(data.idColumns());
    if (data.weightColumn() != null) {
      neverFeatures.add(data.weightColumn()); // a row's weight is not one of its features, even under "*"
    }
    InputColumns columns = ColumnResolver.resolve(training, data.features(), data.labels(), neverFeatures, task,
        trainingName);
    checkWidths(columns, spec, trainingName);
    LayoutResolver.Choice layout = LayoutResolver.resolve(data.layout(), training, columns);
    columns = columns.withLayout(layout.layout());
    boolean sparse = layout.layout() == DataLayout.SPARSE;
    LOG.info("feature rows packed {} ({})", layout.layout().token(), layout.reason());
    if (sparse) {
      String refusal = warmStart != null ? (warmStart.scaling().keepsZeros() ? null
          : "the warm-start model's feature scaling (" + warmStart.scaling().mode().token() + ") shifts features, "
              + "which would turn the zeros of sparse rows into non-zeros; pack the rows dense (data.layout = dense)")
          : FeatureScaling.refusalForSparseRows(data.scaling());
      if (refusal != null) {
        throw new DataException(refusal);
      }
    }
    boolean classifier = task == Task.MULTICLASS || task == Task.BINARY;
    LabelIndex labels = null;
    LabelDiscovery discovery = null;
    if (warmStart != null) { // the model's classes: the training data's are checked against them first
      WarmStart.check(warmStart, spec, task, columns, warmStartLabels(training, columns, trainingName, warmStart),
          trainingName);
      labels = warmStart.labels();
    } else if (classifier) {
      discovery = labelDiscovery(training, columns, trainingName); // found while packing: no job of their own
    } else {
      labels = labelIndex(training, columns, trainingName);
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(training.sparkSession().sparkContext());
    int partitions = data.partitions() > 0 ? data.partitions() : sc.defaultParallelism();
    // (a classifier's label index has one entry per class: 2 for binary, one per output otherwise)
    int classes = labels != null ? labels.size() : task == Task.BINARY ? 2 : spec.outputWidth();
    checkMemory(sc, classes, sparse ? 0 : -1);
    RowConverter converter = new RowConverter(columns, task, labels, task.targetWidth(spec));
    long packStart = System.nanoTime();
    Dataset<Row> trainingRows = ColumnResolver.selectForPacking(training, columns, data.weightColumn());
    PackedData packed = BlockPacker.pack(trainingRows,
        ColumnResolver.converterFor(trainingRows, converter, data.weightColumn()),
        PackingOptions.training(partitions, data.blockRows(),
            validation == null ? data.validationFraction() : 0, config.seed(), data.badRows()),
        trainingName, new DataProfile(task, classes), discovery);
    if (discovery != null) {
      labels = discovery.classes();
      converter = new RowConverter(columns, task, labels, task.targetWidth(spec));
    }
    try {
      if (validation != null) { // a validation file without usable rows is refused, as test data is
        PackedData heldOut = BlockPacker.packHeldOut(validation, columns, converter, data.weightColumn(),
            PackingOptions.validation(partitions, data.blockRows(), data.badRows()), validationName);
        packed = PackedData.withValidation(packed, EmptyInput.requireUsableRows(heldOut, validation, validationName,
            data.weightColumn()));
      }
      double packSeconds = (System.nanoTime() - packStart) / 1e9;
      report(packed, packSeconds, sc, validation == null ? "the training data" : "the training and validation data");
      if (sparse) {
        checkMemory(sc, classes, taskInputs(packed));
      }
      if (packed.trainingRows() == 0) {
        if (validation == null && packed.validationRows() > 0) {
          throw new DataException(trainingName + " has " + packed.validationRows() + " usable rows and "
              + "data.validation-fraction = " + data.validationFraction() + " held out all of them for validation; "
              + "give it more rows or a smaller data.validation-fraction");
        }
        if (packed.skippedRows() == 0) {
          EmptyInput.check(training, trainingName); // the first scan of data opened without a row check
        }
        throw EmptyInput.noUsableRows(trainingName, packed.skippedRows());
      }
      // (a validation file's rows were checked with its usable rows, above)
      packed.requireRowsOfWeight(trainingName, "the validation rows held out of " + trainingName
          + " (data.validation-fraction = " + data.validationFraction() + ")", data.weightColumn());
      DataProfile profile = packed.trainingProfile(); // counted in the packing pass: no job of its own
      FeatureScaling scaling = warmStart != null
          ? warmStart.scaling()
          : sparse
              ? FeatureScaling.fitForSparseRows(data.scaling(), profile.features(), columns.width())
              : FeatureScaling.fit(data.scaling(), profile.features(), columns.width());
      TargetScaling targetScaling = warmStart != null ? warmStart.targetScaling() : targetScaling(profile);
      LOG.info("feature scaling (data.scaling = {}): {}{}", data.scaling().token(), scaling.describe(),
          warmStart != null ? ", from the warm-start model" : "");
      if (!targetScaling.isIdentity()) {
        LOG.info("regression targets standardised for training (data.target-scaling = standard): mean {}, std {}; "
            + "predictions and RMSE, MAE, R² are in the targets' own units",
            Arrays.toString(targetScaling.mean()), Arrays.toString(targetScaling.std()));
      }
      float[] classWeights = labels == null || task == Task.MULTILABEL ? null
          : data.classWeights().resolve(labels, profile.classCounts());
      if (classWeights != null) {
        LOG.info("class weights (data.class-weights = {}): {}", data.classWeights().toConfiguration(),
            classWeightText(labels, classWeights));
      }
      String withoutRows = labels == null ? null : classesWithoutRows(labels, profile.classCounts(),
          columns.labelColumns()[0], packed.skippedRows(), validation == null ? packed.validationRows() : 0,
          warmStart != null);
      if (withoutRows != null) {
        LOG.warn(withoutRows);
      }
      p.sc = sc;
      p.columns = columns;
      p.labels = labels;
      p.packed = packed;
      p.packSeconds = packSeconds;
      p.profile = profile;
      p.scaling = scaling;
      p.targetScaling = targetScaling;
      p.classWeights = classWeights;
      p.config = withBatchSize(packed);
      p.initial = warmStart != null
          ? warmStart.weights()
          : config.initialization().initialize(spec, config.seed());
      if (test != null) { // checked as evaluation checks rows (scaled range included): refused before training
        PackedData testRows = BlockPacker.packHeldOut(test, columns, converter.checkingScaledBy(scaling),
            data.weightColumn(), PackingOptions.validation(partitions, data.blockRows(), data.badRows()), testName);
        p.test = EmptyInput.requireUsableRows(testRows, test, testName, data.weightColumn());
      }
      return p;
    } catch (RuntimeException e) {
      packed.release();
      throw e;
    }
  }

  private static String classWeightText(LabelIndex labels, float[] weights) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < weights.length && k < 20; k++) {
      sb.append(k == 0 ? "" : ", ").append(labels.label(k)).append(' ')
          .append(String.format(java.util.Locale.ROOT, "%.3g", weights[k]));
    }
    return sb.append(weights.length > 20 ? ", …" : "").toString();
  }

  /**
   * Sparse rows: the most distinct inputs one partition's training rows use, counted on the packed
   * rows, for the memory check.
   */
  private long taskInputs(PackedData packed) {
    int inputs = SparseTraining.maxInputsPerPartition(packed.training(), config.network().inputWidth());
    LOG.info("sparse rows: each partition's rows use at most {} of the {} inputs", inputs,
        config.network().inputWidth());
    return Math.max(1, inputs);
  }

  /**
   * Refuses a network that cannot fit in the driver's or a task's memory: before any data is read,
   * and for sparse rows ({@code taskInputs} ≥ 0, see {@link MemoryCheck#check}) once more after
   * packing, when the inputs a task can use are known.
   */
  private void checkMemory(JavaSparkContext sc, int classes, long taskInputs) {
    OptimizerSettings optimizer = config.optimizer();
    int stateVectors = optimizer.isLbfgs() ? 2 * optimizer.lbfgsMemory() + 4 : optimizer.rule().newState(0).vectorCount();
    int batchRows = Math.max(config.engineBatchRows(),
        config.batchSize() == TrainingConfig.AUTO ? TrainingConfig.DEFAULT_BATCH_SIZE : config.batchSize());
    long driverHeap = Runtime.getRuntime().maxMemory();
    org.apache.spark.SparkConf conf = sc.getConf();
    long taskHeap;
    String source;
    if (sc.isLocal()) {
      int cores = Math.max(1, sc.defaultParallelism());
      taskHeap = (long) (driverHeap * MemoryCheck.USER_SHARE / cores);
      source = "the driver's memory (local mode: " + cores + " tasks share it)";
    } else {
      long executor = conf.getSizeAsBytes("spark.executor.memory", "1g");
      int cores = Math.max(1, conf.getInt("spark.executor.cores", 1));
      taskHeap = (long) (executor * MemoryCheck.USER_SHARE / cores);
      source = "spark.executor.memory (now " + conf.get("spark.executor.memory", "1g") + ", " + cores
          + " task(s) per executor)";
    }
    MemoryCheck.check(config.network(), config.task(), classes, stateVectors, config.mode() == TrainingMode.LOCAL,
        batchRows, driverHeap, taskHeap, source, taskInputs);
  }

  /** Standardised targets for regression (unless data.target-scaling = none); identity otherwise. */
  private TargetScaling targetScaling(DataProfile profile) {
    int width = config.task().targetWidth(config.network());
    if (config.task() != Task.REGRESSION || data.targetScaling() == ScalingMode.NONE) {
      return TargetScaling.none(width);
    }
    return TargetScaling.standard(profile.targets(), width);
  }

  /**
   * The configuration with training.batch-size = auto resolved: 128 rows per local step, or fewer
   * when a partition holds too few rows in a round for {@value #MIN_STEPS} steps of 128 — a 500-row
   * table would otherwise get one or two optimizer steps per epoch.
   */
  private TrainingConfig withBatchSize(PackedData packed) {
    if (config.batchSize() != TrainingConfig.AUTO) {
      return config;
    }
    long perRound = packed.trainingRows() / ((long) packed.partitions() * config.roundsPerEpoch());
    int batch = (int) Math.max(MIN_BATCH, Math.min(TrainingConfig.DEFAULT_BATCH_SIZE, perRound / MIN_STEPS));
    if (batch < TrainingConfig.DEFAULT_BATCH_SIZE && config.mode() == TrainingMode.LOCAL) {
      // (fewer rows than partitions × rounds would read "~0 training rows per round")
      String share = perRound >= 1 ? "each partition holds ~" + perRound + " training rows per round"
          : "there are fewer training rows (" + packed.trainingRows() + ") than partitions × rounds per epoch ("
              + (long) packed.partitions() * config.roundsPerEpoch() + ")";
      LOG.info("training.batch-size = auto: {} rows per step, as {} (with {} rows per step it would take fewer than "
          + "{} steps)", batch, share, TrainingConfig.DEFAULT_BATCH_SIZE, MIN_STEPS);
    }
    return config.toBuilder().batchSize(batch).build();
  }

  private static void checkWidths(InputColumns columns, NetworkSpec spec, String dataName) {
    if (columns.width() != spec.inputWidth()) {
      String[] f = columns.featureColumns();
      throw new DataException("the features of " + dataName + " have " + columns.width()
          + " values per row (" + (f.length == 1 ? "column '" + f[0] + "'" : f.length + " columns")
          + ") but the network's input layer takes " + spec.inputWidth() + "; start network.layers with "
          + columns.width());
    }
    String[] l = columns.labelColumns();
    if (columns.labelShape() == InputColumns.Shape.SCALARS && l.length > 1 && l.length != spec.outputWidth()) {
      throw new DataException(l.length + " label columns " + Arrays.toString(l) + " but the network has "
          + spec.outputWidth() + " outputs; end network.layers with " + l.length + " outputs");
    }
  }

  /**
   * Multi-class and binary: the classes, from the distinct non-null training labels. Multi-label:
   * the label names. Regression: null.
   */
  private LabelIndex labelIndex(Dataset<Row> training, InputColumns columns, String dataName) {
    Task task = config.task();
    int outputs = config.network().outputWidth();
    String[] labelColumns = columns.labelColumns();
    switch (task) {
      case REGRESSION:
        return null;
      case MULTILABEL: {
        if (labelColumns.length > 1) {
          return new LabelIndex(false, labelColumns);
        }
        String[] names = new String[outputs];
        for (int j = 0; j < outputs; j++) {
          names[j] = labelColumns[0] + "[" + j + "]";
        }
        return new LabelIndex(false, names);
      }
      default:
        break;
    }
    String column = labelColumns[0];
    boolean numeric = training.schema().apply(column).dataType() instanceof NumericType;
    return classesOf(labelScan(training, column, numeric, dataName), training, column, numeric, dataName);
  }

  /**
   * The labels a warm start's training data holds, for {@link WarmStart#check}: text labels as
   * found, however many (the check accepts some of the model's classes and names any other);
   * numbers and other tasks by the rule of {@link #labelIndex} (numeric labels map onto the model's
   * class indices). Before, text labels had to be as many as the network's classes, and that
   * refusal advised a network the warm start then refused.
   */
  private LabelIndex warmStartLabels(Dataset<Row> training, InputColumns columns, String dataName, DnnModel from) {
    Task task = config.task();
    if ((task != Task.MULTICLASS && task != Task.BINARY) || from.labels() == null || from.labels().isNumeric()
        || columns.labelColumns().length != 1
        || training.schema().apply(columns.labelColumns()[0]).dataType() instanceof NumericType) {
      return labelIndex(training, columns, dataName);
    }
    String column = columns.labelColumns()[0];
    DistinctLabels.Found found = labelScan(training, column, false, dataName);
    if (found.rows() == 0) {
      return classesOf(found, training, column, false, dataName); // refuses data without labels
    }
    return new LabelIndex(false, found.values().stream().map(v -> classKey(v, false)).sorted()
        .toArray(String[]::new));
  }

  /**
   * The classes of the labels packing finds in {@code training} ({@link LabelDiscovery}): the
   * labels are checked as {@link #labelIndex} checks those of a scan of their own.
   */
  private LabelDiscovery labelDiscovery(Dataset<Row> training, InputColumns columns, String dataName) {
    String column = columns.labelColumns()[0];
    boolean numeric = training.schema().apply(column).dataType() instanceof NumericType;
    return new LabelDiscovery(MAX_CLASSES, found -> classesOf(found, training, column, numeric, dataName));
  }

  /** The distinct usable labels of {@code column} (one job; not null, NaN or ±∞, not on a malformed line). */
  private static DistinctLabels.Found labelScan(Dataset<Row> training, String column, boolean numeric,
      String dataName) {
    Column label = Columns.col(training, column);
    // NaN and ±∞ are no classes: such rows are refused (or skipped) by row, as null labels are
    Column usable = numeric ? label.isNotNull().and(functions.not(functions.isnan(label)))
        .and(functions.abs(label).notEqual(functions.lit(Double.POSITIVE_INFINITY))) : label.isNotNull();
    if (Arrays.asList(training.columns()).contains(Columns.MALFORMED)) {
      usable = usable.and(Columns.col(training, Columns.MALFORMED).isNull()); // refused later, by row
    }
    try { // the first job to read the rows: a file's failure (e.g. a CSV header that differs) names the data
      return DistinctLabels.of(training.select(label).where(usable), MAX_CLASSES);
    } catch (Exception e) { // SparkException is checked to Java
      throw Failures.asDataException(e, dataName);
    }
  }

  /**
   * The classes of the labels {@code found} in a classifier's training data, by the rule of
   * {@link LabelIndex#forClasses}; labels that make no classes for the network (ids, measurements,
   * more or fewer values than it has outputs, none at all) are refused with what to do instead.
   */
  private LabelIndex classesOf(DistinctLabels.Found found, Dataset<Row> training, String column, boolean numeric,
      String dataName) {
    Task task = config.task();
    int outputs = config.network().outputWidth();
    if (found.rows() == 0) {
      EmptyInput.check(training, dataName); // the first scan of data opened without a row check
      throw new DataException("label column '" + column + "' of " + dataName + " has no usable value in any row "
          + "(each is empty" + (numeric ? ", NaN or infinite" : "") + ", or on a malformed line); check that "
          + "data.label names the column that holds the classes");
    }
    List<Object> values = found.values();
    String[] distinct = new String[values.size()]; // the keys of the classes
    String[] shown = new String[values.size()]; // the same values as the data holds them, for messages
    boolean fractional = false;
    for (int i = 0; i < distinct.length; i++) {
      Object v = values.get(i);
      if (numeric) {
        double d = ((Number) v).doubleValue();
        fractional |= d != Math.rint(d);
      }
      distinct[i] = classKey(v, numeric);
      shown[i] = LabelIndex.shown(v);
    }
    int classes = task == Task.BINARY ? 2 : outputs;
    // (whatever the network's width)
    boolean mostlyUnique = distinct.length > classes && looksLikeIds(distinct.length, found.rows());
    if (distinct.length > MAX_CLASSES || (numeric && fractional && distinct.length > classes) || mostlyUnique) {
      String count = distinct.length > MAX_CLASSES ? "more than " + MAX_CLASSES : Integer.toString(distinct.length);
      String regression = "for a numeric target train a regression network: " + LabelIndex.REGRESSION;
      throw new DataException("label column '" + column + "' of " + dataName + " looks "
          + (numeric && fractional ? "continuous" : "like an id") + ": " + count + " distinct values in "
          + found.rows() + " rows, such as " + LabelIndex.preview(Arrays.copyOf(shown, Math.min(5, shown.length)))
          + ", where a classifier needs one output per value; "
          + (numeric && fractional ? regression
              : "choose the column that holds the classes (data.label)" + (numeric ? ", or " + regression : ""))
          + rareLabels(found, numeric, classes, task == Task.BINARY, training, column));
    }
    if (task == Task.BINARY && distinct.length < 2) {
      throw new DataException("binary classification needs two label values in column '" + column
          + "' of " + dataName + ", found " + Arrays.toString(shown));
    }
    LabelIndex index;
    try {
      index = LabelIndex.forClasses(numeric, distinct, classes, task == Task.BINARY);
    } catch (IllegalArgumentException e) {
      throw new DataException("label column '" + column + "' of " + dataName + " (network " + config.network()
          + "): " + Causes.firstLine(e) + rareLabels(found, numeric, classes, task == Task.BINARY, training, column));
    }
    return index;
  }

  /**
   * For labels that do not fit the network: the fewest values (at most {@value #MAX_RARE}), taken
   * from the rarest up, without which the other labels would fit, when each is held by under 1/20
   * as many rows as the median of the others — what a mistyped label looks like — each with its rows
   * and the first of them, in the order of those rows; empty when there are none. Costs two small
   * jobs, on this error path only.
   */
  private static String rareLabels(DistinctLabels.Found found, boolean numeric, int classes, boolean binary,
      Dataset<Row> training, String column) {
    Map<Object, Long> counts = found.counts();
    if (counts.size() > MAX_CLASSES || counts.size() < 2) {
      return ""; // counts stop at the limit; one value is not a typo of another
    }
    List<Object> ascending = new ArrayList<>(counts.keySet());
    ascending.sort(java.util.Comparator.comparing(counts::get));
    List<Object> rare = null;
    long median = 0;
    for (int k = 1; k <= Math.min(MAX_RARE, ascending.size() - 1) && rare == null; k++) {
      List<Object> rest = ascending.subList(k, ascending.size());
      try {
        LabelIndex.forClasses(numeric, rest.stream().map(v -> classKey(v, numeric)).toArray(String[]::new), classes,
            binary);
      } catch (IllegalArgumentException e) {
        continue; // still too many (or too few) labels: take out the next rarest too
      }
      median = counts.get(rest.get(rest.size() / 2));
      for (Object v : ascending.subList(0, k)) {
        if (counts.get(v) * 20 >= median) {
          return ""; // the labels to take out are not rare: no typo
        }
      }
      rare = new ArrayList<>(ascending.subList(0, k));
    }
    if (rare == null) {
      return "";
    }
    Map<Object, String> where = Failures.firstRowsHolding(training, column, new java.util.HashSet<>(rare));
    List<Object> inRowOrder = new ArrayList<>(where.keySet()); // firstRowsHolding keeps the rows' order
    rare.stream().filter(v -> !where.containsKey(v)).forEach(inRowOrder::add);
    long rows = 0;
    StringBuilder sb = new StringBuilder("; but ");
    for (int i = 0; i < inRowOrder.size(); i++) {
      Object v = inRowOrder.get(i);
      long n = counts.get(v);
      rows += n;
      sb.append(i == 0 ? "" : i == inRowOrder.size() - 1 ? " and " : ", ").append("label ")
          .append(LabelIndex.shown(v)).append(" is in ").append(n == 1 ? "1 row only" : n + " rows only")
          .append(" (").append(n == 1 ? "" : "the first is ").append(where.getOrDefault(v, "not located"))
          .append(')');
    }
    return sb.append(", against ").append(median).append(" for a typical label, and without ")
        .append(rare.size() == 1 ? "it" : "them").append(" the labels fit the network: if ")
        .append(rare.size() == 1 ? "it is a mistake" : "they are mistakes").append(", fix or remove ")
        .append(rows == 1 ? "that row" : "those rows").toString();
  }

  /** A label value as a class key of {@link LabelIndex}: the canonical number, or the text. */
  private static String classKey(Object value, boolean numeric) {
    return numeric ? LabelIndex.canonical(((Number) value).doubleValue()) : String.valueOf(value);
  }

  /**
   * The warning for classes without training rows, counted in the packed rows, or null when every
   * class has some: a numeric label index with gaps (class k is label k), labels whose only rows were
   * skipped as bad or held out for validation, a warm-start model's classes the new data lacks.
   *
   * @param counts training rows per class index (null for tasks without classes: no warning)
   * @param skipped rows left out as bad; @param heldOut rows held out of the training data for validation
   */
  static String classesWithoutRows(LabelIndex labels, long[] counts, String column, long skipped, long heldOut,
      boolean warmStart) {
    if (counts == null) {
      return null;
    }
    List<String> none = new ArrayList<>();
    for (int k = 0; k < counts.length; k++) {
      if (counts[k] == 0) {
        none.add(labels.label(k));
      }
    }
    if (none.isEmpty()) {
      return null;
    }
    List<String> why = new ArrayList<>();
    if (labels.isNumeric() && !warmStart) {
      why.add("class k is label k");
    }
    if (skipped > 0) {
      why.add(skipped + (skipped == 1 ? " row was" : " rows were") + " skipped as bad");
    }
    if (heldOut > 0) {
      why.add(heldOut + (heldOut == 1 ? " row was" : " rows were") + " held out for validation");
    }
    String them = none.size() == 1 ? "it" : "them";
    return "the training data has no rows of " + (none.size() == 1 ? "class " : "classes ")
        + LabelIndex.preview(none.toArray(new String[0])) + " (of " + counts.length + ") in label column '" + column
        + "'" + (why.isEmpty() ? "" : " (" + String.join("; ", why) + ")")
        + (warmStart ? "; training the warm-start model without " + them + " may unlearn " + them
            : "; the model can never predict " + them + " well");
  }

  /** At most this many rare label values are named as possible typos. */
  private static final int MAX_RARE = 3;

  /** @param what the data the skipped rows came from, as the log names it */
  private static void report(PackedData packed, double seconds, JavaSparkContext sc, String what) {
    long memory = 0;
    long disk = 0;
    java.util.Set<Integer> ids = new java.util.HashSet<>();
    packed.cachedRdds().forEach(rdd -> ids.add(rdd.id()));
    for (org.apache.spark.storage.RDDInfo info : sc.sc().getRDDStorageInfo()) {
      if (ids.contains(info.id())) {
        memory += info.memSize();
        disk += info.diskSize();
      }
    }
    LOG.info("packed {} training and {} validation rows into {} partitions in {} s; cached {} MiB in "
            + "memory, {} MiB on disk",
        packed.trainingRows(), packed.validationRows(), packed.partitions(),
        String.format(java.util.Locale.ROOT, "%.1f", seconds),
        String.format(java.util.Locale.ROOT, "%.1f", memory / 1048576.0),
        String.format(java.util.Locale.ROOT, "%.1f", disk / 1048576.0));
    for (String line : SkippedRows.lines(packed.skipped(), what, "left out")) {
      LOG.warn(line);
    }
  }

  /**
   * Identifies what a checkpoint belongs to, as named parts: every training and data setting (not
   * where checkpoints go), the network, each input — its name and the files it was read from, with
   * sizes and modification times ({@link DataSource#identity}) — the packed row counts, and the
   * warm start. A checkpoint whose identity differs in any part is never resumed, and the log names
   * the parts: new data at the same path starts afresh.
   */
  private Map<String, String> identity(Dataset<Row> training, Dataset<Row> validation, String trainingName,
      String validationName, PackedData packed, DnnModel warmStart) {
    Map<String, String> identity = new LinkedHashMap<>(config.toConfiguration());
    identity.putAll(data.toConfiguration());
    identity.put("training data", trainingName + ": " + DataSource.identity(training));
    if (validation != null) {
      identity.put("validation data", validationName + ": " + DataSource.identity(validation));
    }
    identity.put("rows", "training " + packed.trainingRows() + ", validation " + packed.validationRows()
        + ", skipped " + packed.skippedRows());
    identity.put("warm start", warmStart == null ? "none" : "the model created " + warmStart.record().created());
    // A sparse run's checkpoints hold the first layer input-major: only a sparse run may resume them.
    if (packed.isSparse()) {
      identity.put("layout", "sparse");
    }
    return identity;
  }

  /**
   * @param history every epoch's metrics, those restored from a checkpoint included (a run resumed
   *     after its last epoch trains none of its own)
   */
  private TrainingRecord record(TrainingConfig recorded, PackedData packed, TrainingResult result,
      List<EpochMetrics> history, int resumedEpochs, DnnModel warmStart, DataSummary profile) {
    Map<String, String> configuration = new LinkedHashMap<>(data.toConfiguration());
    configuration.putAll(recorded.toConfiguration());
    return new TrainingRecord(
        Instant.now().toString(),
        configuration,
        new TrainingRecord.RowCounts(packed.trainingRows(), packed.validationRows(), packed.skippedRows()),
        result.state().epochsDone(),
        result.bestEpoch(),
        resumedEpochs,
        result.stopReason(),
        result.seconds(),
        Double.NaN,
        history.isEmpty() ? null : history.get(history.size() - 1),
        result.validationMetrics(),
        null,
        profile,
        warmStart == null ? null : warmStart.record().created(),
        Versions.all(),
        null,
        null);
  }
}
