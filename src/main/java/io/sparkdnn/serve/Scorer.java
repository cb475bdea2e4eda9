package io.sparkdnn.serve;

import io.sparkdnn.data.DataLayout;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.InputMajorVector;
import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.engine.NetworkCache;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.SparseInputNetwork;
import io.sparkdnn.engine.SparseMiniBatch;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelFiles;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Scores rows with a trained model inside any JVM program — a web service, a stream processor, a
 * database UDF — without Spark or Hadoop: it reads the model directory with java.nio and runs the
 * engine's forward pass. Each row gets exactly what spark-dnn's Spark prediction gives
 * ({@code io.sparkdnn.scoring.ModelScoring.predict}): the model's feature scaling is applied to the
 * raw values, and regression outputs are turned back into the targets' units.
 *
 * <h2>Shapes</h2>
 *
 * Legend: I = {@link #inputWidth()}, K = {@link #outputWidth()}, N = rows.
 *
 * <ul>
 *   <li>{@link #score(float[])}: one row of I raw feature values, in the order of
 *       {@link #featureNames()} (for a model trained on one vector or array column: that column's
 *       elements in order) → one {@link Prediction}.
 *   <li>{@link #scoreBatch(float[][])}: N rows of I values → N predictions, in row order.
 *   <li>{@link #scoreBatch(float[])}: N·I values, row-major (row r is elements r·I … r·I + I − 1)
 *       → N predictions.
 *   <li>{@link #scoreSparse(int[], float[])}: one row as its non-zero values and their feature
 *       indices (a SparseVector's indices and values) → one {@link Prediction}.
 * </ul>
 *
 * A model trained on sparse rows ({@link #sparseInput()}: hashed text, one-hot, libsvm) scores
 * every row through the sparse first layer, reading only the weights of the row's non-zero
 * features; dense rows given to it are reduced to their non-zeros first.
 *
 * The kind of prediction follows from {@link #task()}: {@link Prediction.Classification} (K
 * probabilities, or [1 − p, p] for binary), {@link Prediction.MultiLabel} (K flags and
 * probabilities) or {@link Prediction.Regression} (K values).
 *
 * <h2>Errors</h2>
 *
 * A row of the wrong width, or a NaN or infinite value, is refused with an
 * IllegalArgumentException that names the row, the feature (and its column) and what was expected;
 * a batch is checked whole before any row is scored. Spark's prediction refuses such rows too
 * (data.bad-rows = fail). A null row gives NullPointerException.
 *
 * <h2>Threads</h2>
 *
 * Thread-safe: the model is immutable, and each thread scores in its own workspace (an engine
 * {@link DenseNetwork} for up to {@value #CHUNK} rows, from {@link NetworkCache}, allocated on the
 * thread's first call and kept for later ones). One call runs on the calling thread, with one BLAS
 * thread; serve concurrent requests from several threads, or score them as one batch.
 *
 * <h2>Classpath</h2>
 *
 * A service needs the spark-dnn jar (this package, the model format and the engine; its other
 * packages are not loaded), jackson-databind with jackson-core and jackson-annotations (the
 * model's metadata.json), slf4j-api (logging), and dev.ludovic.netlib:blas with its dependency
 * net.sourceforge.f2j:arpack_combined_all (netlib's native binding needs its classes). With
 * org.bytedeco:javacpp and org.bytedeco:openblas (each with its platform jar, e.g. linux-x86_64)
 * the matrix products run in the bundled native OpenBLAS; without them, in netlib's pure-Java BLAS
 * (several times slower on large layers; a warning is logged). No Spark, Scala or Hadoop jar;
 * ScorerWithoutSparkTest runs a JVM on exactly this set.
 */
public final class Scorer {
  /** Rows per pass through the network; batches are scored in chunks of this many rows. */
  public static final int CHUNK = 256;

  private final NetworkSpec spec;
  private final Task task;
  private final float[] weights;
  private final FeatureScaling scaling;
  private final TargetScaling targetScaling;
  private final InputColumns columns;
  private final String[] classNames;
  private final BlasBackend blas;
  private final String blasDescription;
  private final DnnModel model;
  /** For a model trained on sparse rows: its weights input-major, scored through the sparse first layer. */
  private final InputMajorVector sparseWeights;

  private Scorer(DnnModel model, BlasBackend blas) {
    this.model = Objects.requireNonNull(model, "model");
    this.spec = model.spec();
    this.task = model.task();
    this.weights = model.weights();
    this.scaling = model.scaling();
    this.targetScaling = model.targetScaling();
    this.columns = model.columns();
    this.classNames = classNames(model);
    this.blas = Objects.requireNonNull(blas, "blas");
    this.blasDescription = BlasLibrary.gemm(blas).description();
    this.sparseWeights = columns.layout() == DataLayout.SPARSE ? InputMajorVector.fromCanonical(spec, weights) : null;
  }

  /**
   * Loads the model directory {@code dir} (as {@code dnn train} wrote it) from the local filesystem;
   * matrix products on the bundled OpenBLAS when it loads, else pure Java.
   *
   * @throws io.sparkdnn.model.ModelFormatException when {@code dir} is not a complete, readable
   *     spark-dnn model (the message names the file and what is wrong)
   * @throws java.io.UncheckedIOException when a file cannot be read
   */
  public static Scorer load(Path dir) {
    return load(dir, BlasBackend.AUTO);
  }

  /**
   * {@link #load(Path)} with the BLAS chosen: {@code auto}, {@code bundled}, {@code system} or
   * {@code java}. The BLAS is one per JVM: the first scorer or Spark task that loads it decides.
   */
  public static Scorer load(Path dir, BlasBackend blas) {
    return new Scorer(ModelFiles.read(dir), blas);
  }

  /** A scorer for a model already in memory (e.g. from {@code ModelReader}), BLAS auto. */
  public static Scorer of(DnnModel model) {
    return new Scorer(model, BlasBackend.AUTO);
  }

  /** A scorer for a model already in memory, with the BLAS chosen (see {@link #load(Path, BlasBackend)}). */
  public static Scorer of(DnnModel model, BlasBackend blas) {
    return new Scorer(model, blas);
  }

  /**
   * Scores one row.
   *
   * @param row I raw feature values (see the class comment for their order); not changed
   * @throws IllegalArgumentException when the row is not I values wide, holds a NaN or infinity, or
   *     has values the network overflows on (its output would be NaN or infinite)
   */
  public Prediction score(float[] row) {
    Objects.requireNonNull(row, "row is null");
    checkWidth(row, "row");
    checkFinite(row, 0, "row");
    if (sparseWeights != null) {
      return scoreDenseRowsSparse(row, 1)[0];
    }
    DenseNetwork network = network();
    MiniBatch batch = network.batch();
    scaling.apply(row, 0, batch.features(), 0);
    return predict(network, 1)[0];
  }

  /**
   * The output layer's pre-activations for one row: K logits for softmax (their softmax is the
   * class probabilities), the one logit z of a binary model (p = σ(z)), the K per-label logits of a
   * multi-label model, or the K outputs of a regression model in the scaled target units.
   *
   * @param row I raw feature values; not changed
   * @throws IllegalArgumentException when the row is not I values wide or holds a NaN or infinity
   */
  public float[] logits(float[] row) {
    Objects.requireNonNull(row, "row is null");
    checkWidth(row, "row");
    checkFinite(row, 0, "row");
    DenseNetwork network = network();
    MiniBatch batch = network.batch();
    scaling.apply(row, 0, batch.features(), 0);
    batch.setRows(1);
    float[] z = new float[spec.outputWidth()];
    network.predict(weights, z);
    requireFinite(z, 0, z.length);
    requireFinite(network.outputs(), 0, z.length);
    return z;
  }

  /**
   * Scores N rows, each an array of I raw feature values.
   *
   * @return N predictions, one per row, in order
   * @throws IllegalArgumentException when a row is not I values wide or holds a NaN or infinity
   *     (checked for every row before any is scored)
   */
  public Prediction[] scoreBatch(float[][] rows) {
    Objects.requireNonNull(rows, "rows");
    for (int r = 0; r < rows.length; r++) {
      float[] row = Objects.requireNonNull(rows[r], "row index " + r + " is null");
      checkWidth(row, "row index " + r);
      checkFinite(row, 0, "row index " + r);
    }
    int in = spec.inputWidth();
    if (sparseWeights != null) {
      float[] all = new float[rows.length * in];
      for (int r = 0; r < rows.length; r++) {
        System.arraycopy(rows[r], 0, all, r * in, in);
      }
      return scoreDenseRowsSparse(all, rows.length);
    }
    Prediction[] out = new Prediction[rows.length];
    DenseNetwork network = network();
    float[] x = network.batch().features();
    for (int start = 0; start < rows.length; start += CHUNK) {
      int n = Math.min(CHUNK, rows.length - start);
      for (int r = 0; r < n; r++) {
        scaling.apply(rows[start + r], 0, x, r * in);
      }
      System.arraycopy(predict(network, n), 0, out, start, n);
    }
    return out;
  }

  /**
   * Scores N rows stored row-major in one array: row r is {@code rows[r·I … r·I + I − 1]}.
   *
   * @param rows N·I raw feature values
   * @return N predictions, one per row, in order
   * @throws IllegalArgumentException when the length is not a multiple of I, or a value is NaN or
   *     infinite (checked for every row before any is scored)
   */
  public Prediction[] scoreBatch(float[] rows) {
    Objects.requireNonNull(rows, "rows");
    int in = spec.inputWidth();
    if (rows.length % in != 0) {
      throw new IllegalArgumentException("a batch of rows row-major has " + rows.length
          + " values, which is not a multiple of the " + in + " features model " + spec + " takes per row");
    }
    int count = rows.length / in;
    for (int r = 0; r < count; r++) {
      checkFinite(rows, r * in, "row index " + r);
    }
    if (sparseWeights != null) {
      return scoreDenseRowsSparse(rows, count);
    }
    Prediction[] out = new Prediction[count];
    DenseNetwork network = network();
    float[] x = network.batch().features();
    for (int start = 0; start < count; start += CHUNK) {
      int n = Math.min(CHUNK, count - start);
      for (int r = 0; r < n; r++) {
        scaling.apply(rows, (start + r) * in, x, r * in);
      }
      System.arraycopy(predict(network, n), 0, out, start, n);
    }
    return out;
  }

  /**
   * Scores one row given as its non-zero raw feature values: {@code values[k]} is feature
   * {@code indices[k]}, indices strictly increasing in [0, I) — a Spark ML SparseVector's
   * {@code indices()} and {@code values()} (as floats), or a libsvm line's pairs, 0-based. Every
   * feature not listed is 0. For a model trained on sparse rows this reads only the listed
   * features' weights; for any other model the row is made dense first.
   *
   * @throws IllegalArgumentException when the arrays differ in length, an index is out of range or
   *     not above the one before it, or a value is NaN or infinite
   */
  public Prediction scoreSparse(int[] indices, float[] values) {
    Objects.requireNonNull(indices, "indices");
    Objects.requireNonNull(values, "values");
    checkSparse(indices, values, "row");
    if (sparseWeights == null) {
      float[] dense = new float[spec.inputWidth()];
      for (int k = 0; k < indices.length; k++) {
        dense[indices[k]] = values[k];
      }
      return score(dense);
    }
    SparseInputNetwork network = sparseNetwork();
    SparseMiniBatch batch = network.batch();
    batch.clear();
    addScaled(batch, indices, values, indices.length, 0);
    return predictSparse(network, 1)[0];
  }

  /** True when the model was trained on sparse rows (and scores through the sparse first layer). */
  public boolean sparseInput() {
    return sparseWeights != null;
  }

  /** I: raw feature values per row. */
  public int inputWidth() {
    return spec.inputWidth();
  }

  /** K: the network's outputs (classes, labels or targets; 1 for binary). */
  public int outputWidth() {
    return spec.outputWidth();
  }

  public NetworkSpec spec() {
    return spec;
  }

  public Task task() {
    return task;
  }

  /**
   * The feature columns the model was trained on: one per feature (I names), or the single vector
   * or array column whose I elements are the features.
   */
  public String[] featureNames() {
    return columns.featureColumns();
  }

  /**
   * The classes in output order (multi-class: K; binary: [negative, positive]), or the K label
   * names (multi-label); null for regression.
   */
  public String[] classNames() {
    return classNames == null ? null : classNames.clone();
  }

  /** Which BLAS the matrix products run on in this JVM, e.g. "native OpenBLAS 0.3.31 bundled …". */
  public String blasDescription() {
    return blasDescription;
  }

  /** The model being served. */
  public DnnModel model() {
    return model;
  }

  /** This thread's workspace. */
  private DenseNetwork network() {
    return NetworkCache.forThisThread(spec, task, CHUNK, blas);
  }

  private SparseInputNetwork sparseNetwork() {
    return NetworkCache.sparseForThisThread(spec, task, CHUNK, blas);
  }

  /** Scores {@code count} dense rows, row-major in {@code rows} (checked), through the sparse first layer. */
  private Prediction[] scoreDenseRowsSparse(float[] rows, int count) {
    int in = spec.inputWidth();
    Prediction[] out = new Prediction[count];
    SparseInputNetwork network = sparseNetwork();
    SparseMiniBatch batch = network.batch();
    int[] columns = new int[64];
    float[] values = new float[64];
    for (int start = 0; start < count; start += CHUNK) {
      int n = Math.min(CHUNK, count - start);
      batch.clear();
      for (int r = 0; r < n; r++) {
        int base = (start + r) * in;
        int nonZeros = 0;
        for (int j = 0; j < in; j++) {
          if (rows[base + j] != 0f) {
            if (nonZeros == columns.length) {
              columns = java.util.Arrays.copyOf(columns, 2 * nonZeros);
              values = java.util.Arrays.copyOf(values, 2 * nonZeros);
            }
            columns[nonZeros] = j;
            values[nonZeros++] = rows[base + j];
          }
        }
        addScaled(batch, columns, values, nonZeros, r);
      }
      System.arraycopy(predictSparse(network, n), 0, out, start, n);
    }
    return out;
  }

  /** Appends a row's first {@code count} non-zeros, scaled, as row {@code id} of the batch. */
  private void addScaled(SparseMiniBatch batch, int[] columns, float[] values, int count, long id) {
    float[] scaled = new float[count];
    scaling.applyToNonZeros(columns, values, 0, count, scaled, 0);
    batch.addRow(columns, scaled, 0, count, new float[task.targetWidth(spec)], 0, id);
  }

  private Prediction[] predictSparse(SparseInputNetwork network, int rows) {
    float[] logits = new float[rows * spec.outputWidth()];
    network.predict(sparseWeights, logits);
    return decodeAll(network.outputs(), logits, rows);
  }

  private void checkSparse(int[] indices, float[] values, String what) {
    if (indices.length != values.length) {
      throw new IllegalArgumentException(what + " has " + indices.length + " indices but " + values.length
          + " values; give one value per index");
    }
    int previous = -1;
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (i < 0 || i >= spec.inputWidth()) {
        throw new IllegalArgumentException(what + ": index " + i + " (non-zero " + k + ") is outside [0, "
            + spec.inputWidth() + "), the features of model " + spec);
      }
      if (i <= previous) {
        throw new IllegalArgumentException(what + ": index " + i + " (non-zero " + k + ") follows index " + previous
            + "; indices must be strictly increasing");
      }
      if (!Float.isFinite(values[k])) {
        throw new IllegalArgumentException(what + ": feature index " + i + " (" + featureName(i) + ") is "
            + values[k] + "; the model takes finite values only (Spark prediction refuses such rows too): "
            + "impute the value or leave the row out");
      }
      previous = i;
    }
  }

  /** Runs the network on the first {@code rows} scaled rows of its batch and decodes them. */
  private Prediction[] predict(DenseNetwork network, int rows) {
    network.batch().setRows(rows);
    float[] logits = new float[rows * spec.outputWidth()];
    network.predict(weights, logits);
    return decodeAll(network.outputs(), logits, rows);
  }

  /**
   * The first {@code rows} rows of the network's outputs (rows × K), targets un-scaled, decoded;
   * each row's outputs and logits (rows × K) checked finite first: a sigmoid turns an infinite
   * logit into exactly 0 or 1, a finite output that would hide the overflow.
   */
  private Prediction[] decodeAll(float[] outputs, float[] logits, int rows) {
    targetScaling.invert(outputs, 0, rows);
    int k = spec.outputWidth();
    Prediction[] predictions = new Prediction[rows];
    for (int r = 0; r < rows; r++) {
      requireFinite(logits, r * k, k);
      requireFinite(outputs, r * k, k);
      predictions[r] = decode(outputs, r * k);
    }
    return predictions;
  }

  /**
   * Refuses a row whose finite features overflow inside the network (a value such as 3e38 times a
   * weight is ∞; softmax of ∞ is NaN), as Spark prediction does: a NaN output would otherwise be
   * decoded into a class.
   */
  private static void requireFinite(float[] outputs, int offset, int k) {
    for (int j = offset; j < offset + k; j++) {
      if (!Float.isFinite(outputs[j])) {
        throw new IllegalArgumentException("a row's features give the network a NaN or infinite output: some are "
            + "far outside the range the model was trained on (Spark prediction refuses such rows too); fix the "
            + "values or leave the row out");
      }
    }
  }

  /** One row's outputs, from {@code offset}, as ModelScoring's prediction columns decode them. */
  private Prediction decode(float[] out, int offset) {
    int k = spec.outputWidth();
    switch (task) {
      case MULTICLASS: {
        float[] p = new float[k];
        int best = 0;
        for (int j = 0; j < k; j++) {
          p[j] = out[offset + j];
          best = p[j] > p[best] ? j : best;
        }
        return new Prediction.Classification(best, className(best), p);
      }
      case BINARY: {
        float p1 = out[offset];
        int index = p1 >= 0.5f ? 1 : 0;
        return new Prediction.Classification(index, className(index), new float[] {1f - p1, p1});
      }
      case MULTILABEL: {
        float[] p = new float[k];
        int[] predicted = new int[k];
        for (int j = 0; j < k; j++) {
          p[j] = out[offset + j];
          predicted[j] = p[j] >= 0.5f ? 1 : 0;
        }
        return new Prediction.MultiLabel(predicted, p);
      }
      case REGRESSION: {
        float[] v = new float[k];
        System.arraycopy(out, offset, v, 0, k);
        return new Prediction.Regression(v);
      }
      default:
        throw new AssertionError(task);
    }
  }

  private String className(int index) {
    return classNames == null ? Integer.toString(index) : classNames[index];
  }

  private void checkWidth(float[] row, String what) {
    if (row.length != spec.inputWidth()) {
      throw new IllegalArgumentException(what + " has " + row.length + " feature values, expected "
          + spec.inputWidth() + " (model " + spec + ", features " + describeColumns() + ")");
    }
  }

  /** The I values of one row, from {@code offset}, are finite. */
  private void checkFinite(float[] values, int offset, String what) {
    int in = spec.inputWidth();
    for (int j = 0; j < in; j++) {
      float v = values[offset + j];
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException(what + ": feature index " + j + " (" + featureName(j) + ") is " + v
            + "; the model takes finite values only (Spark prediction refuses such rows too): "
            + "impute the value or leave the row out");
      }
    }
  }

  private String featureName(int j) {
    String[] names = columns.featureColumns();
    return names.length == spec.inputWidth() ? "column '" + names[j] + "'"
        : "element " + j + " of column '" + names[0] + "'";
  }

  private String describeColumns() {
    String[] names = columns.featureColumns();
    if (names.length == 1 && spec.inputWidth() != 1) {
      return "the " + spec.inputWidth() + " elements of column '" + names[0] + "'";
    }
    return names.length <= 6 ? String.join(", ", names)
        : String.join(", ", java.util.Arrays.copyOf(names, 5)) + ", … " + names[names.length - 1];
  }

  private static String[] classNames(DnnModel model) {
    return model.task().isClassification() ? model.classNames() : null;
  }
}
