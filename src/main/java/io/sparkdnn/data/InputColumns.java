package io.sparkdnn.data;

import io.sparkdnn.engine.Task;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Which columns hold the features and the label(s), in what shape, and how wide the features are.
 * Resolved once against the training data and stored in the model, so that prediction reads new
 * data the same way.
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

  public InputColumns(
      String[] featureColumns, Shape featureShape, int width, String[] labelColumns, Shape labelShape,
      boolean stringLabels) {
    this.featureColumns = featureColumns.clone();
    this.featureShape = featureShape;
    this.width = width;
    this.labelColumns = labelColumns.clone();
    this.labelShape = labelShape;
    this.stringLabels = stringLabels;
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

  /** Features first, then labels: the column order the converters read. */
  public String[] featureAndLabelColumns() {
    String[] all = Arrays.copyOf(featureColumns, featureColumns.length + labelColumns.length);
    System.arraycopy(labelColumns, 0, all, featureColumns.length, labelColumns.length);
    return all;
  }

  /**
   * Resolves the configured names against {@code data}.
   *
   * @param features one column, several, or {@link #ALL_OTHER_COLUMNS}
   * @param labels one label column, or several (multi-label and multi-target regression)
   * @param excluded columns never used as features (ids, pass-through)
   * @param dataName how the user knows this data, for messages (e.g. "training data (data.train.path)")
   */
  public static InputColumns resolve(
      Dataset<Row> data, List<String> features, List<String> labels, List<String> excluded, Task task,
      String dataName) {
    StructType schema = data.schema();
    if (labels.isEmpty()) {
      throw new DataException("no label column configured (data.label)");
    }
    for (String label : labels) {
      field(schema, label, "label column", dataName);
    }
    String[] labelColumns = labels.toArray(new String[0]);
    Shape labelShape;
    boolean stringLabels = false;
    if (task == Task.MULTICLASS || task == Task.BINARY) {
      if (labels.size() != 1) {
        throw new DataException(task.token() + " classification takes one label column, found "
            + labels.size() + " in data.label: " + labels);
      }
      DataType type = field(schema, labels.get(0), "label column", dataName).dataType();
      if (type instanceof StringType || type instanceof BooleanType) {
        stringLabels = true;
      } else if (!(type instanceof NumericType)) {
        throw new DataException("label column '" + labels.get(0) + "' of " + dataName + " has type "
            + type.simpleString() + "; a class label must be a number or a string");
      }
      labelShape = Shape.SCALARS;
    } else {
      labelShape = multiValuedShape(schema, labels, "label", dataName);
    }

    List<String> featureColumns = new ArrayList<>();
    if (features.size() == 1 && features.get(0).equals(ALL_OTHER_COLUMNS)) {
      Set<String> skip = new LinkedHashSet<>(labels);
      skip.addAll(excluded);
      for (StructField f : schema.fields()) {
        if (!skip.contains(f.name())) {
          featureColumns.add(f.name());
        }
      }
      if (featureColumns.isEmpty()) {
        throw new DataException(dataName + " has no columns left for features after the label "
            + "and id columns " + skip);
      }
    } else {
      featureColumns.addAll(features);
    }
    for (String label : labels) {
      if (featureColumns.contains(label)) {
        throw new DataException("column '" + label + "' is both a feature (data.features) and a "
            + "label (data.label)");
      }
    }
    Shape featureShape = multiValuedShape(schema, featureColumns, "feature", dataName);
    int width = featureShape == Shape.SCALARS
        ? featureColumns.size()
        : vectorWidth(data, featureColumns.get(0), dataName);
    return new InputColumns(featureColumns.toArray(new String[0]), featureShape, width, labelColumns,
        labelShape, stringLabels);
  }

  /** Checks that {@code data} has the feature columns this model was trained on, same shape. */
  public void checkFeaturesIn(Dataset<Row> data, String dataName) {
    Shape shape = multiValuedShape(data.schema(), Arrays.asList(featureColumns), "feature", dataName);
    if (shape != featureShape) {
      throw new DataException("feature column(s) " + Arrays.toString(featureColumns) + " of "
          + dataName + " hold " + shape.name().toLowerCase() + " values, but the model was trained on "
          + featureShape.name().toLowerCase() + " values");
    }
  }

  /** Checks that {@code data} has the label columns, for evaluation. */
  public void checkLabelsIn(Dataset<Row> data, String dataName) {
    for (String label : labelColumns) {
      field(data.schema(), label, "label column", dataName);
    }
  }

  private static Shape multiValuedShape(StructType schema, List<String> columns, String what, String dataName) {
    if (columns.isEmpty()) {
      throw new DataException("no " + what + " columns configured");
    }
    if (columns.size() == 1) {
      DataType type = field(schema, columns.get(0), what + " column", dataName).dataType();
      if (type.equals(SQLDataTypes.VectorType())) {
        return Shape.VECTOR;
      }
      if (type instanceof ArrayType && ((ArrayType) type).elementType() instanceof NumericType) {
        return Shape.ARRAY;
      }
    }
    for (String column : columns) {
      DataType type = field(schema, column, what + " column", dataName).dataType();
      if (!(type instanceof NumericType)) {
        throw new DataException(what + " column '" + column + "' of " + dataName + " has type "
            + type.simpleString() + "; expected a number"
            + (columns.size() == 1 ? ", an array of numbers or a Spark ML vector" : ""));
      }
    }
    return Shape.SCALARS;
  }

  private static StructField field(StructType schema, String name, String what, String dataName) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new DataException(what + " '" + name + "' not found in " + dataName + "; its columns are "
        + String.join(", ", schema.fieldNames()));
  }

  /** Width of a vector/array column: from ML attribute metadata if present, else its first row. */
  public static int vectorWidth(Dataset<Row> data, String column, String dataName) {
    StructField field = data.schema().apply(column);
    if (field.dataType().equals(SQLDataTypes.VectorType())) {
      int size = AttributeGroup.fromStructField(field).size();
      if (size > 0) {
        return size;
      }
    }
    List<Row> first = data.select(column).where(data.col(column).isNotNull()).limit(1).collectAsList();
    if (first.isEmpty()) {
      throw new DataException(dataName + " has no rows with a value in column '" + column + "'");
    }
    Object value = first.get(0).get(0);
    int width = value instanceof Vector ? ((Vector) value).size() : first.get(0).getList(0).size();
    if (width == 0) {
      throw new DataException("column '" + column + "' of " + dataName + " holds empty vectors");
    }
    return width;
  }
}
