package io.sparkdnn.data;

import io.sparkdnn.files.Causes;
import io.sparkdnn.engine.Task;
import java.io.Serializable;
import java.util.Arrays;

/**
 * Turns one row into floats — features, then targets — and refuses what the network cannot use:
 * nulls, NaN/∞, the wrong number of features, unknown labels, with a {@link BadRowException}
 * naming the column (the caller adds where the row is). Rows are read positionally through
 * {@link Cells}: the features' columns first, then the labels', as
 * {@link InputColumns#featureAndLabelColumns()} selects them.
 */
public final class RowConverter implements Serializable {
  private static final long serialVersionUID = 1L;

  private final InputColumns columns;
  private final Task task;
  private final LabelIndex labels;
  private final int targetWidth;
  private final int malformedPosition;
  /** The format whose reader fills the malformed column (the wording of its refusal), or null. */
  private final Columns.Malformed malformedSource;
  /** A dense row, for reading cells that are not sparse vectors into sparse rows. */
  private transient float[] dense;
  private final int weightPosition;
  private final String weightColumn;
  /** The model's scaling that features must survive (finite once scaled), or null for no check. */
  private final FeatureScaling scaledBy;
  /** Whether {@link #features} hands back the features scaled by {@link #scaledBy} (or raw, only checked). */
  private final boolean applyScaling;
  private transient float[] scaledScratch;

  /** @param labels the classes (classification) or null */
  public RowConverter(InputColumns columns, Task task, LabelIndex labels, int targetWidth) {
    this(columns, task, labels, targetWidth, -1, null, -1, null, null, false);
  }

  private RowConverter(InputColumns columns, Task task, LabelIndex labels, int targetWidth, int malformedPosition,
      Columns.Malformed malformedSource, int weightPosition, String weightColumn, FeatureScaling scaledBy,
      boolean applyScaling) {
    this.columns = columns;
    this.task = task;
    this.labels = labels;
    this.targetWidth = targetWidth;
    this.malformedPosition = malformedPosition;
    this.malformedSource = malformedSource;
    this.weightPosition = weightPosition;
    this.weightColumn = weightColumn;
    this.scaledBy = scaledBy;
    this.applyScaling = applyScaling;
  }

  /**
   * This converter, also refusing a row whose features leave float's range once {@code scaling}
   * (a trained model's) is applied: a finite 1e36 times a large standardising scale is ∞, and the
   * network would answer NaN for the row without a word. A bad row like any other
   * ({@link BadRowReason#NON_FINITE_FEATURE}), for prediction and evaluation.
   */
  public RowConverter checkingScaledBy(FeatureScaling scaling) {
    return new RowConverter(columns, task, labels, targetWidth, malformedPosition, malformedSource, weightPosition,
        weightColumn, scaling, false);
  }

  /**
   * This converter, handing back features as the network gets them: {@link #features} and
   * {@link #sparseFeatures} write them scaled by {@code scaling} (a trained model's) and refuse a row
   * as {@link #checkingScaledBy} does. For prediction, where the rows go straight into the network:
   * one read, one scaling in place and one check, where reading, checking and scaling apart took
   * five passes over a row.
   */
  public RowConverter scalingBy(FeatureScaling scaling) {
    return new RowConverter(columns, task, labels, targetWidth, malformedPosition, malformedSource, weightPosition,
        weightColumn, scaling, true);
  }

  /** Whether features come back scaled by the model's scaling ({@link #scalingBy}). */
  public boolean scales() {
    return applyScaling;
  }

  /** This converter, also reading each row's weight from column {@code name} at {@code position}. */
  public RowConverter withWeightColumnAt(int position, String name) {
    return new RowConverter(columns, task, labels, targetWidth, malformedPosition, malformedSource, position, name,
        scaledBy, applyScaling);
  }

  /** Whether rows carry a weight ({@link #weight}). */
  public boolean weighted() {
    return weightPosition >= 0;
  }

  /**
   * The row's weight: a finite number ≥ 0 (0 leaves the row out of the loss and the metrics, though
   * it is still read and counted); a null, NaN, infinite or negative weight is a bad row.
   */
  public float weight(Cells row) {
    if (row.isNull(weightPosition)) {
      throw bad(BadRowReason.BAD_WEIGHT, weightColumn, "has no weight (null)");
    }
    double w;
    try {
      w = row.number(weightPosition);
    } catch (NumberFormatException e) {
      throw bad(BadRowReason.BAD_WEIGHT, weightColumn, "has '" + row.label(weightPosition) + "', which is not a number");
    }
    if (!(w >= 0) || Double.isInfinite(w)) {
      throw bad(BadRowReason.BAD_WEIGHT, weightColumn, "has weight " + w + "; a weight must be a finite number ≥ 0");
    }
    return (float) w;
  }

  /**
   * This converter, also refusing rows whose cell at {@code position} is set: the
   * {@link Columns#MALFORMED} column, where Spark's CSV reader puts a line that does not fit the
   * header and its JSON reader a line it cannot parse.
   *
   * @param source who fills the column and how (it words the refusal), or null if unknown
   */
  public RowConverter withMalformedColumnAt(int position, Columns.Malformed source) {
    return new RowConverter(columns, task, labels, targetWidth, position, source, weightPosition, weightColumn,
        scaledBy, applyScaling);
  }

  public int width() {
    return columns.width();
  }

  public int targetWidth() {
    return targetWidth;
  }

  /**
   * Elements a row's feature column holds when the features are one column of arrays or dense
   * vectors (its width), else 0: scalar columns, and sparse rows, whose stored size is their
   * non-zeros. What sizes the columnar reader's batches ({@link ColumnarBatchSize}).
   */
  public int nestedValuesPerRow() {
    return columns.featureShape() == InputColumns.Shape.SCALARS || sparse() ? 0 : columns.width();
  }

  /** Position of the first label column in a row laid out features-then-labels. */
  public int labelPosition() {
    return columns.featureShape() == InputColumns.Shape.SCALARS ? columns.width() : 1;
  }

  /**
   * Writes the row's {@link #width()} features to {@code dst} at {@code offset}: as they are, or
   * scaled ({@link #scalingBy}).
   */
  public void features(Cells row, float[] dst, int offset) {
    if (malformedPosition >= 0 && !row.isNull(malformedPosition)) {
      String line = String.valueOf(row.label(malformedPosition)).strip();
      throw bad(BadRowReason.MALFORMED_LINE, null, "the line '" + Causes.escaped(line.length() > 80
          ? line.substring(0, 77) + "..." : line) + "' " + (malformedSource == null
          ? new Columns.Malformed(null, -1, "").problem(line) : malformedSource.problem(line)));
    }
    String[] names = columns.featureColumns();
    int width = columns.width();
    if (!applyScaling) {
      raw(row, dst, offset, names, width);
      if (scaledBy != null) {
        checkScaled(dst, offset, width, names);
      }
      return;
    }
    // A NaN or ±∞ stays non-finite once scaled (x·s + b; ∞·0 is NaN), so for an array or vector the
    // one check after scaling also covers the raw values (columns are checked one by one as read).
    if (columns.featureShape() == InputColumns.Shape.SCALARS) {
      raw(row, dst, offset, names, width);
    } else {
      many(row, 0, names[0], width, dst, offset, false, false);
    }
    scaledBy.apply(dst, offset, dst, offset);
    if (!finite(dst, offset, width)) {
      float[] x = scratch(width); // which failed, the raw value or its scaling: read the row again
      raw(row, x, 0, names, width);
      refuseFirstNonFinite(dst, offset, x, 0, names);
    }
  }

  /** The row's features as they are, every value checked. */
  private void raw(Cells row, float[] dst, int offset, String[] names, int width) {
    if (columns.featureShape() == InputColumns.Shape.SCALARS) {
      for (int j = 0; j < width; j++) {
        dst[offset + j] = scalar(row, j, names[j], BadRowReason.NULL_FEATURE,
            BadRowReason.NON_FINITE_FEATURE, BadRowReason.NON_NUMERIC_FEATURE);
      }
    } else {
      many(row, 0, names[0], width, dst, offset, false, true);
    }
  }

  /**
   * Refuses the row for the first of its {@code scaled} features (at {@code scaledOffset}) that is
   * not finite, naming the raw value ({@code raw} at {@code rawOffset}) the scaling took there.
   */
  private void refuseFirstNonFinite(float[] scaled, int scaledOffset, float[] raw, int rawOffset,
      String[] names) {
    boolean scalars = columns.featureShape() == InputColumns.Shape.SCALARS;
    for (int k = 0; ; k++) {
      if (!Float.isFinite(scaled[scaledOffset + k])) {
        throw outOfRangeOnceScaled(scalars ? names[k] : names[0], raw[rawOffset + k], scalars ? -1 : k);
      }
    }
  }

  /**
   * See {@link #checkingScaledBy}: the features scaled as the network will get them (the model's
   * own {@link FeatureScaling#apply}), then the one finiteness check; the position is looked for
   * only in a refused row.
   */
  private void checkScaled(float[] x, int offset, int width, String[] names) {
    float[] scaled = scratch(width);
    scaledBy.apply(x, offset, scaled, 0);
    if (!finite(scaled, 0, width)) {
      refuseFirstNonFinite(scaled, 0, x, offset, names);
    }
  }

  /** This converter's reused buffer of at least {@code n} floats. */
  private float[] scratch(int n) {
    if (scaledScratch == null || scaledScratch.length < n) {
      scaledScratch = new float[n];
    }
    return scaledScratch;
  }

  /**
   * For an infinite float that may have been a finite double beyond float's range (1e39 reads as
   * ∞): says so, rather than claim the cell holds Infinity. {@code source} is the double read, or
   * NaN when it is no longer known.
   */
  private static String beyondRange(float value, double source) {
    return Float.isInfinite(value) && !Double.isInfinite(source)
        ? " (or a value beyond float's range, ±3.4e38, that reads as " + value + ")" : "";
  }

  private static BadRowException outOfRangeOnceScaled(String column, float value, int position) {
    return bad(BadRowReason.NON_FINITE_FEATURE, column, "has " + value + (position >= 0 ? " at position " + position : "")
        + ", which the model's feature scaling takes beyond float's range (±3.4e38): the network cannot score it");
  }

  /** True when rows are packed sparse: read them with {@link #sparseFeatures}. */
  public boolean sparse() {
    return columns.layout() == DataLayout.SPARSE;
  }

  /**
   * Reads the row's features as non-zeros into {@code out} (cleared first): a sparse vector as it is
   * stored, never densified; any other cell (a dense vector, an array, numeric columns) read as
   * {@link #features} reads it, keeping the values that are not 0. Refuses the same rows
   * {@link #features} does, and sparse vectors of another size, with an index outside [0, width),
   * or with indices that repeat or go down — naming the column, the index and its position.
   */
  public void sparseFeatures(Cells row, SparseRow out) {
    out.clear();
    if (columns.featureShape() == InputColumns.Shape.VECTOR && !row.isNull(0) && malformedPosition < 0) {
      Cells.SparseVectorCell v = row.sparseVector(0);
      if (v != null) {
        addSparseVector(v, columns.featureColumns()[0], columns.width(), out);
        if (scaledBy != null) { // as the sparse first layer gets them: FeatureScaling#applyToNonZeros
          float[] scaled = scratch(out.count());
          scaledBy.applyToNonZeros(out.columns(), out.values(), 0, out.count(), scaled, 0);
          if (!finite(scaled, 0, out.count())) {
            for (int p = 0; ; p++) {
              if (!Float.isFinite(scaled[p])) {
                throw outOfRangeOnceScaled(columns.featureColumns()[0], out.values()[p], out.columns()[p]);
              }
            }
          }
          if (applyScaling) {
            System.arraycopy(scaled, 0, out.values(), 0, out.count());
          }
        }
        return;
      }
    }
    int width = columns.width();
    if (dense == null || dense.length != width) {
      dense = new float[width];
    }
    features(row, dense, 0);
    for (int j = 0; j < width; j++) {
      if (dense[j] != 0f) {
        out.add(j, dense[j]);
      }
    }
  }

  private static void addSparseVector(Cells.SparseVectorCell v, String name, int width, SparseRow out) {
    if (v.size != width) {
      throw bad(BadRowReason.WRONG_WIDTH, name, "is a sparse vector of size " + v.size + ", expected " + width);
    }
    int[] indices = v.indices;
    double[] values = v.values;
    if (indices.length != values.length) {
      throw bad(BadRowReason.BAD_SPARSE_INDEX, name, "is a sparse vector with " + indices.length + " indices but "
          + values.length + " values");
    }
    out.ensureCapacity(indices.length);
    int previous = -1;
    for (int k = 0; k < indices.length; k++) {
      int index = indices[k];
      if (index < 0 || index >= width) {
        throw bad(BadRowReason.BAD_SPARSE_INDEX, name, "has index " + index + " (non-zero " + k
            + "), outside the vector's size: expected an index in [0, " + width + ")");
      }
      if (index <= previous) {
        throw bad(BadRowReason.BAD_SPARSE_INDEX, name, "has index " + index + " after index " + previous + " (non-zero "
            + k + "); a sparse vector's indices must be strictly increasing");
      }
      previous = index;
      float value = (float) values[k];
      if (!Float.isFinite(value)) {
        throw bad(BadRowReason.NON_FINITE_FEATURE, name, "has " + value + " at position " + index
            + beyondRange(value, values[k]));
      }
      if (value != 0f) {
        out.add(index, value);
      }
    }
  }

  /** Writes the row's targets (class index, 0/1 labels or values) to {@code dst} at {@code offset}. */
  public void targets(Cells row, float[] dst, int offset) {
    targets(row, dst, offset, null);
  }

  /**
   * True when the classes are found while the rows are packed: a classifier's converter made
   * without labels. Its targets are then the codes of {@link DistinctLabels.Coded} until packing
   * maps them to classes.
   */
  public boolean discoversLabels() {
    return labels == null && (task == Task.MULTICLASS || task == Task.BINARY);
  }

  /**
   * For a converter that {@link #discoversLabels}: counts the row's label in {@code codes} when it
   * is usable — not null, NaN or ±∞, and not on a malformed line — whatever the rest of the row
   * holds, as a scan of the labels alone counts them. Call it before the row's other checks.
   */
  public void countLabel(Cells row, DistinctLabels.Coded codes) {
    int position = labelPosition();
    if ((malformedPosition >= 0 && !row.isNull(malformedPosition)) || row.isNull(position)) {
      return;
    }
    Object value = row.label(position);
    if (!(value instanceof Number) || Double.isFinite(((Number) value).doubleValue())) {
      codes.count(value);
    }
  }

  /**
   * {@link #targets(Cells, float[], int)}, for a converter that {@link #discoversLabels}: a class
   * label is written as its code in {@code codes}, where {@link #countLabel} counted it.
   */
  public void targets(Cells row, float[] dst, int offset, DistinctLabels.Coded codes) {
    int position = labelPosition();
    String[] names = columns.labelColumns();
    if (task == Task.MULTICLASS || task == Task.BINARY) {
      if (row.isNull(position)) {
        throw bad(BadRowReason.NULL_LABEL, names[0], "has no label (null)");
      }
      Object value = row.label(position);
      if (value instanceof Number && !Double.isFinite(((Number) value).doubleValue())) {
        throw bad(BadRowReason.NULL_LABEL, names[0], "has label " + LabelIndex.display(value));
      }
      if (labels == null) {
        dst[offset] = codes.codeOf(value);
        return;
      }
      int index = labels.indexOf(value);
      if (index < 0) {
        throw bad(BadRowReason.UNKNOWN_LABEL, names[0], "has label '" + Causes.escaped(LabelIndex.display(value))
            + "', which is not one of the model's classes " + LabelIndex.preview(labels.labels()));
      }
      dst[offset] = index;
      return;
    }
    if (columns.labelShape() == InputColumns.Shape.SCALARS) {
      if (names.length != targetWidth) {
        throw new DataException(names.length + " label columns " + Arrays.toString(names)
            + " but the network has " + targetWidth + " outputs");
      }
      for (int j = 0; j < names.length; j++) {
        dst[offset + j] = scalar(row, position + j, names[j], BadRowReason.BAD_TARGET,
            BadRowReason.BAD_TARGET, BadRowReason.NON_NUMERIC_TARGET);
      }
    } else {
      many(row, position, names[0], targetWidth, dst, offset, true, true);
    }
    if (task == Task.MULTILABEL) {
      for (int j = 0; j < targetWidth; j++) {
        float v = dst[offset + j];
        if (v != 0f && v != 1f) {
          throw bad(BadRowReason.BAD_TARGET, names[Math.min(j, names.length - 1)],
              "has multi-label target " + v + " at position " + j + "; expected 0 or 1");
        }
      }
    }
  }

  private static float scalar(Cells row, int position, String name, BadRowReason ifNull, BadRowReason ifNotFinite,
      BadRowReason ifNotNumber) {
    if (row.isNull(position)) {
      throw bad(ifNull, name, "is null");
    }
    double read;
    try {
      read = row.number(position);
    } catch (NumberFormatException e) {
      throw bad(ifNotNumber, name, "has '" + row.label(position) + "', which is not a number");
    }
    float v = (float) read;
    if (!Float.isFinite(v)) {
      throw bad(ifNotFinite, name, "is " + (Float.isInfinite(v) && Double.isFinite(read) ? read
          + ", beyond float's range (±3.4e38)" : v));
    }
    return v;
  }

  /**
   * Reads {@code expected} values of the array or vector at {@code position}; {@code check}: refuse
   * a NaN, ∞ or null element (without it, the caller checks the values it makes of them).
   */
  private static void many(
      Cells row, int position, String name, int expected, float[] dst, int offset,
      boolean target, boolean check) {
    BadRowReason nullReason = target ? BadRowReason.BAD_TARGET : BadRowReason.NULL_FEATURE;
    if (row.isNull(position)) {
      throw bad(nullReason, name, "is null");
    }
    // Copied straight to dst; a row refused below leaves values there that the caller's next row
    // overwrites (callers advance their slot only for rows that pass).
    int count = row.copyValues(position, dst, offset, expected);
    if (count != expected) {
      throw bad(target ? BadRowReason.BAD_TARGET : BadRowReason.WRONG_WIDTH, name,
          "has " + count + " values, expected " + expected);
    }
    if (check && !finite(dst, offset, expected)) {
      int nullAt = row.nullElement(position);
      if (nullAt >= 0) {
        throw bad(nullReason, name, "has a null at position " + nullAt);
      }
      for (int j = 0; j < expected; j++) {
        if (!Float.isFinite(dst[offset + j])) {
          throw bad(target ? BadRowReason.BAD_TARGET : BadRowReason.NON_FINITE_FEATURE, name,
              "has " + dst[offset + j] + " at position " + j + beyondRange(dst[offset + j], Double.NaN));
        }
      }
    }
  }

  /**
   * Whether {@code values[offset, offset + n)} are all finite, as sums of v·0 (NaN only for NaN
   * and ±∞): a branch-free pass. Eight independent sums, because one sum is a chain of dependent
   * additions — a cycle count per value the loop around it does not otherwise need.
   */
  static boolean finite(float[] values, int offset, int n) {
    float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
    int j = offset;
    int end = offset + n;
    for (; j + 8 <= end; j += 8) {
      s0 += values[j] * 0f;
      s1 += values[j + 1] * 0f;
      s2 += values[j + 2] * 0f;
      s3 += values[j + 3] * 0f;
      s4 += values[j + 4] * 0f;
      s5 += values[j + 5] * 0f;
      s6 += values[j + 6] * 0f;
      s7 += values[j + 7] * 0f;
    }
    for (; j < end; j++) {
      s0 += values[j] * 0f;
    }
    return (s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7) == 0f;
  }

  private static BadRowException bad(BadRowReason reason, String column, String what) {
    return new BadRowException(reason, column, what);
  }
}
