package io.sparkdnn.data;

import io.sparkdnn.engine.Task;
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
 * Resolves configured column names against a DataFrame's schema into {@link InputColumns}, and
 * checks that later data (validation, test, prediction input) has the same columns and shapes.
 * Every failure is a {@link DataException} naming the column, the data and what was expected.
 */
public final class ColumnResolver {
  private ColumnResolver() {}

  /**
   * Resolves the configured names against {@code data}.
   *
   * @param features one column, several, or {@link #InputColumns.ALL_OTHER_COLUMNS}
   * @param labels one label column, or several (multi-label and multi-target regression)
   * @param excluded columns never used as features under "*" (ids, the row weight)
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
    InputColumns.Shape labelShape;
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
      labelShape = InputColumns.Shape.SCALARS;
    } else {
      labelShape = multiValuedShape(schema, labels, "label", dataName);
    }

    List<String> featureColumns = new ArrayList<>();
    if (features.size() == 1 && features.get(0).equals(InputColumns.ALL_OTHER_COLUMNS)) {
      Set<String> skip = new LinkedHashSet<>(labels);
      skip.addAll(excluded);
      skip.add(Columns.MALFORMED);
      for (StructField f : schema.fields()) {
        if (!skip.contains(f.name())) {
          featureColumns.add(f.name());
        }
      }
      if (featureColumns.isEmpty()) {
        throw new DataException(dataName + " has no columns left for features after the label, "
            + "weight and id columns " + skip);
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
    InputColumns.Shape featureShape = multiValuedShape(schema, featureColumns, "feature", dataName);
    int width = featureShape == InputColumns.Shape.SCALARS
        ? featureColumns.size()
        : vectorWidth(data, featureColumns.get(0), dataName);
    return new InputColumns(featureColumns.toArray(new String[0]), featureShape, width, labelColumns,
        labelShape, stringLabels);
  }

  /**
   * {@code data}'s feature then label columns (taken literally, whatever their names), then the
   * {@link Columns#MALFORMED} column when the data has one: the layout {@link #converterFor} reads.
   */
  public static Dataset<Row> selectForPacking(Dataset<Row> data, InputColumns columns) {
    return selectForPacking(data, columns, null);
  }

  /**
   * {@link #selectForPacking(Dataset, InputColumns)} with the row weights of column {@code weight}
   * (null: none) after the labels.
   *
   * @throws DataException when the weight column is missing or not numeric
   */
  public static Dataset<Row> selectForPacking(Dataset<Row> data, InputColumns columns, String weight) {
    List<String> names = new ArrayList<>(Arrays.asList(columns.featureAndLabelColumns()));
    if (weight != null) {
      DataType type = field(data.schema(), weight, "weight column (data.weight / weightCol)", "the data").dataType();
      if (!(type instanceof NumericType)) {
        throw new DataException("weight column '" + weight + "' has type " + type.simpleString()
            + "; a weight must be a number");
      }
      names.add(weight);
    }
    return select(data, names);
  }

  /** {@code names} then, when {@code data} has it, the {@link Columns#MALFORMED} column. */
  public static Dataset<Row> select(Dataset<Row> data, List<String> names) {
    List<org.apache.spark.sql.Column> selected = new ArrayList<>();
    for (String c : names) {
      selected.add(Columns.col(data, c));
    }
    if (Arrays.asList(data.columns()).contains(Columns.MALFORMED) && !names.contains(Columns.MALFORMED)) {
      selected.add(Columns.col(data, Columns.MALFORMED));
    }
    return data.select(selected.toArray(new org.apache.spark.sql.Column[0]));
  }

  /** {@code converter}, made to refuse malformed lines when {@code selected}'s last column holds them. */
  public static RowConverter converterFor(Dataset<Row> selected, RowConverter converter) {
    return converterFor(selected, converter, null);
  }

  /** {@link #converterFor(Dataset, RowConverter)} that also reads weights from column {@code weight} (or null). */
  public static RowConverter converterFor(Dataset<Row> selected, RowConverter converter, String weight) {
    String[] names = selected.columns();
    RowConverter c = names.length > 0 && names[names.length - 1].equals(Columns.MALFORMED)
        ? converter.withMalformedColumnAt(names.length - 1,
            Columns.malformed(selected.schema().fields()[names.length - 1]))
        : converter;
    return weight == null ? c : c.withWeightColumnAt(Arrays.asList(names).indexOf(weight), weight);
  }

  /**
   * Checks that {@code data} has the feature columns {@code columns} were resolved to, in the same
   * shape: one numeric column per feature, or one column holding them all — Spark ML vectors and
   * numeric arrays alike (cells are read by their own type, and each row's width is checked), so
   * a model trained on arrays scores a VectorAssembler's vectors and the other way round.
   */
  public static void checkFeaturesIn(InputColumns columns, Dataset<Row> data, String dataName) {
    InputColumns.Shape shape = multiValuedShape(data.schema(), Arrays.asList(columns.featureColumns()), "feature", dataName);
    boolean oneColumn = shape != InputColumns.Shape.SCALARS && columns.featureShape() != InputColumns.Shape.SCALARS;
    if (shape != columns.featureShape() && !oneColumn) {
      throw new DataException("feature column(s) " + Arrays.toString(columns.featureColumns()) + " of "
          + dataName + " hold " + shape.name().toLowerCase() + " values, but the model was trained on "
          + columns.featureShape().name().toLowerCase() + " values");
    }
  }

  /** Checks that {@code data} has the label columns of {@code columns}, for evaluation. */
  public static void checkLabelsIn(InputColumns columns, Dataset<Row> data, String dataName) {
    for (String label : columns.labelColumns()) {
      field(data.schema(), label, "label column", dataName);
    }
  }

  private static InputColumns.Shape multiValuedShape(StructType schema, List<String> columns, String what, String dataName) {
    if (columns.isEmpty()) {
      throw new DataException("no " + what + " columns configured");
    }
    if (columns.size() == 1) {
      DataType type = field(schema, columns.get(0), what + " column", dataName).dataType();
      if (type.equals(SQLDataTypes.VectorType())) {
        return InputColumns.Shape.VECTOR;
      }
      if (type instanceof ArrayType && ((ArrayType) type).elementType() instanceof NumericType) {
        return InputColumns.Shape.ARRAY;
      }
    }
    for (String column : columns) {
      DataType type = field(schema, column, what + " column", dataName).dataType();
      // Text is read as numbers row by row (a CSV column with one stray word is inferred as text):
      // a value that is not a number is then refused, or skipped, by its row.
      if (!(type instanceof NumericType) && !(type instanceof StringType)) {
        throw new DataException(what + " column '" + column + "' of " + dataName + " has type "
            + type.simpleString() + "; expected a number"
            + (columns.size() == 1 ? ", an array of numbers or a Spark ML vector" : ""));
      }
    }
    return InputColumns.Shape.SCALARS;
  }

  /**
   * For a text file read with the wrong field separator (one column whose name holds the others):
   * what to set. Empty otherwise.
   */
  private static String separatorHint(List<String> names) {
    if (names.size() == 1) {
      for (String sep : new String[] {";", "\t", "|"}) {
        if (names.get(0).contains(sep)) {
          return "; the file seems to separate fields with '" + (sep.equals("\t") ? "\\t" : sep)
              + "': set the separator in the data's options, e.g. data.train.options { sep = \""
              + (sep.equals("\t") ? "\\t" : sep) + "\" }";
        }
      }
    }
    return "";
  }

  private static StructField field(StructType schema, String name, String what, String dataName) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    List<String> names = new ArrayList<>(Arrays.asList(schema.fieldNames()));
    names.remove(Columns.MALFORMED);
    throw new DataException(what + " '" + name + "' not found in " + dataName + "; its columns are "
        + String.join(", ", names) + separatorHint(names));
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
    List<Row> first;
    try {
      // The width is what is not known yet: the smallest reader batch, not 4096 rows of it, for one row.
      first = ColumnarBatchSize.planning(data.sparkSession(), Integer.MAX_VALUE, () -> data
          .select(Columns.col(data, column)).where(Columns.col(data, column).isNotNull()).limit(1).collectAsList());
    } catch (Exception e) { // SparkException is checked to Java; a file's failure names the data
      throw Failures.asDataException(e, dataName);
    }
    if (first.isEmpty()) {
      EmptyInput.check(data, dataName); // the first scan of data opened without a row check
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
