package io.sparkdnn.ml;

import io.sparkdnn.data.InputColumns;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schema checks of the ML stages, each failing with IllegalArgumentException (what Spark ML's own
 * stages throw from {@code transformSchema}) naming the stage, the param, the column and what to do.
 */
final class MlSchemas {
  private MlSchemas() {}

  /** The type of column {@code column}, which {@code param} of {@code owner} names. */
  static DataType require(StructType schema, String column, String param, Identifiable owner) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        return f.dataType();
      }
    }
    throw new IllegalArgumentException(owner.uid() + ": " + param + " '" + column + "' not found; the columns are "
        + String.join(", ", schema.fieldNames()));
  }

  /** The shape of the features column: an ML vector, or an array of numbers. */
  static InputColumns.Shape features(StructType schema, String column, Identifiable owner) {
    DataType type = require(schema, column, "featuresCol", owner);
    if (type.equals(SQLDataTypes.VectorType())) {
      return InputColumns.Shape.VECTOR;
    }
    if (type instanceof ArrayType && ((ArrayType) type).elementType() instanceof NumericType) {
      return InputColumns.Shape.ARRAY;
    }
    throw new IllegalArgumentException(owner.uid() + ": featuresCol '" + column + "' has type "
        + type.simpleString() + "; expected an ML vector or an array of numbers (VectorAssembler makes a vector "
        + "of numeric columns)");
  }

  /**
   * Refuses a vector featuresCol (the caller knows it is one) whose ML attribute (VectorAssembler's, for one) gives a size other
   * than the model's {@code width} features, when the schema is checked rather than at the first row
   * inside a Spark job. Columns without that attribute are checked row by row, as before.
   */
  static void requireWidth(StructType schema, String column, int width, Identifiable owner) {
    int size = org.apache.spark.ml.attribute.AttributeGroup.fromStructField(schema.apply(column)).size();
    if (size >= 0 && size != width) {
      throw new IllegalArgumentException(owner.uid() + ": featuresCol '" + column + "' holds vectors of " + size
          + " features (its ML attribute says so), but the model was trained on " + width
          + "; assemble the same feature columns it was trained on");
    }
  }

  /** A numeric column (label or weight). */
  static void requireNumeric(StructType schema, String column, String param, Identifiable owner, String hint) {
    DataType type = require(schema, column, param, owner);
    if (!(type instanceof NumericType)) {
      throw new IllegalArgumentException(owner.uid() + ": " + param + " '" + column + "' has type "
          + type.simpleString() + "; expected numbers" + hint);
    }
  }

  /** True for an ML vector column or an array of numbers. */
  static boolean isVectorOrNumericArray(DataType type) {
    return type.equals(SQLDataTypes.VectorType())
        || type instanceof ArrayType && ((ArrayType) type).elementType() instanceof NumericType;
  }

  /** {@code schema} with {@code field} appended; a column of that name must not exist yet. */
  static StructType append(StructType schema, StructField field, String param, Identifiable owner) {
    for (String name : schema.fieldNames()) {
      if (name.equals(field.name())) {
        throw new IllegalArgumentException(owner.uid() + ": output column '" + field.name() + "' (" + param
            + ") already exists; set " + param + " to another name, or to \"\" to leave it out");
      }
    }
    return schema.add(field);
  }
}
