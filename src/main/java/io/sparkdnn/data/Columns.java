package io.sparkdnn.data;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Column names as users write them, whatever they contain: Spark reads "f.1" as field 1 of a struct
 * f, so every name this project passes to Spark goes through here, quoted.
 */
public final class Columns {
  /** The column Spark's CSV reader puts a line into when it does not fit the header (see DataSource). */
  public static final String MALFORMED = "_corrupt_record";

  private Columns() {}

  /** {@code name} as a quoted identifier: `f.1`, with backticks doubled. */
  public static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** The column {@code name} of {@code data}, taken literally. */
  public static Column col(Dataset<Row> data, String name) {
    return data.col(quoted(name));
  }
}
