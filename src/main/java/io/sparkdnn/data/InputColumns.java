package io.sparkdnn.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Which columns hold the features and the label(s), in what shape, and how wide the features are.
 * Resolved once against the training data ({@link ColumnResolver}) and stored in the model, so that
 * prediction reads new data the same way. A plain value: no Spark types, so a model can be loaded
 * where Spark is absent.
 */
public final class InputColumns implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Shape of a multi-valued input. */
  public enum Shape {
    /** One column of Spark ML vectors. */
    VECTOR,
    /** One column of numeric arrays. */
    ARRAY,
    /** One numeric column per value. */
    SCALARS
  }

  /** Use every column that is not a label or id column as a feature. */
  public static final String ALL_OTHER_COLUMNS = "*";

  private final String[] featureColumns;
  private final Shape featureShape;
  private final int width;
  private final String[] labelColumns;
  private final Shape labelShape;
  private final boolean stringLabels;
  /** How rows are packed and fed to the network: {@link DataLayout#DENSE} or {@link DataLayout#SPARSE}. */
  private final DataLayout layout;

  /** Columns whose rows are packed dense. */
  public InputColumns(
      String[] featureColumns, Shape featureShape, int width, String[] labelColumns, Shape labelShape,
      boolean stringLabels) {
    this(featureColumns, featureShape, width, labelColumns, labelShape, stringLabels, DataLayout.DENSE);
  }

  /** @param layout {@link DataLayout#DENSE} or {@link DataLayout#SPARSE} (auto must be resolved first) */
  public InputColumns(
      String[] featureColumns, Shape featureShape, int width, String[] labelColumns, Shape labelShape,
      boolean stringLabels, DataLayout layout) {
    if (layout == DataLayout.AUTO) {
      throw new IllegalArgumentException("the layout of input columns is dense or sparse; resolve auto first");
    }
    this.featureColumns = featureColumns.clone();
    this.featureShape = featureShape;
    this.width = width;
    this.labelColumns = labelColumns.clone();
    this.labelShape = labelShape;
    this.stringLabels = stringLabels;
    this.layout = layout;
  }

  /** These columns with rows packed in {@code newLayout} (dense or sparse). */
  public InputColumns withLayout(DataLayout newLayout) {
    return new InputColumns(featureColumns, featureShape, width, labelColumns, labelShape, stringLabels, newLayout);
  }

  /**
   * How rows are packed and fed to the network: dense, or sparse (the non-zeros of each row; the
   * first layer multiplies sparse × dense). Stored in the model: prediction reads rows the same way.
   */
  public DataLayout layout() {
    return layout == null ? DataLayout.DENSE : layout; // null when deserialised from before layouts
  }

  public String[] featureColumns() {
    return featureColumns.clone();
  }

  public Shape featureShape() {
    return featureShape;
  }

  /** Number of features the network sees. */
  public int width() {
    return width;
  }

  public String[] labelColumns() {
    return labelColumns.clone();
  }

  public Shape labelShape() {
    return labelShape;
  }

  /** True when a classifier's label column holds strings (or booleans) rather than numbers. */
  public boolean stringLabels() {
    return stringLabels;
  }

  /**
   * These columns read under other names: the features from the one column {@code feature} (a
   * vector or array column of the same width, in {@code shape}) and the label from {@code label}
   * (null keeps the label columns). A fitted Spark ML model reads its current featuresCol and
   * labelCol this way, whatever they were at fit time.
   *
   * @throws IllegalArgumentException when {@code shape} is {@link Shape#SCALARS}, or a label is
   *     named for a model with several label columns
   */
  public InputColumns reading(String feature, Shape shape, String label) {
    if (shape == Shape.SCALARS) {
      throw new IllegalArgumentException("one vector or array column holds all " + width + " features");
    }
    if (label != null && labelColumns.length > 1) {
      throw new IllegalArgumentException("the model reads " + labelColumns.length + " label columns, given one");
    }
    String[] labels = label == null ? labelColumns : new String[] {label};
    return new InputColumns(new String[] {feature}, shape, width, labels, labelShape, stringLabels);
  }

  /** Features first, then labels: the column order the converters read. */
  public String[] featureAndLabelColumns() {
    String[] all = Arrays.copyOf(featureColumns, featureColumns.length + labelColumns.length);
    System.arraycopy(labelColumns, 0, all, featureColumns.length, labelColumns.length);
    return all;
  }

}
