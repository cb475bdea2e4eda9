package io.sparkdnn.data;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;

/**
 * Column names as users write them, whatever they contain: Spark reads "f.1" as field 1 of a struct
 * f, so every name this project passes to Spark goes through here, quoted.
 */
public final class Columns {
  /**
   * The column Spark's CSV reader puts a line into when it does not fit the header, and its JSON
   * reader a line it cannot parse (see DataSource).
   */
  public static final String MALFORMED = "_corrupt_record";
  /** Metadata key on the {@link #MALFORMED} column: the format ({@link DataFormat#token()}) that filled it. */
  private static final String MALFORMED_SOURCE = "spark-dnn.malformed-source";

  private Columns() {}

  /** The {@link #MALFORMED} column, marked as filled by {@code source}'s reader. */
  public static StructField malformedField(DataFormat source) {
    return new StructField(MALFORMED, DataTypes.StringType, true,
        new MetadataBuilder().putString(MALFORMED_SOURCE, source.token()).build());
  }

  /** The format whose reader filled {@code field} (a {@link #MALFORMED} column), or null if it is not marked. */
  public static DataFormat malformedSource(StructField field) {
    return field.metadata().contains(MALFORMED_SOURCE)
        ? DataFormat.fromToken(field.metadata().getString(MALFORMED_SOURCE)) : null;
  }

  /** {@code name} as a quoted identifier: `f.1`, with backticks doubled. */
  public static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** The column {@code name} of {@code data}, taken literally. */
  public static Column col(Dataset<Row> data, String name) {
    return data.col(quoted(name));
  }
}
