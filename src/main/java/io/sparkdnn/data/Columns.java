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
  /**
   * Metadata keys on the {@link #MALFORMED} column: the format ({@link DataFormat#token()}) that
   * filled it, and for CSV the header's columns and the field separator.
   */
  private static final String MALFORMED_SOURCE = "spark-dnn.malformed-source";
  private static final String HEADER_COLUMNS = "spark-dnn.header-columns";
  private static final String SEPARATOR = "spark-dnn.separator";

  private Columns() {}

  /**
   * Who fills a {@link #MALFORMED} column and how its lines are split, to word the refusal of such a
   * line: the reader's format, and for CSV the number of columns the header names and the field
   * separator (−1 and empty when not known).
   */
  public record Malformed(DataFormat source, int headerColumns, String separator) implements java.io.Serializable {
    /**
     * What is wrong with {@code line}: for CSV, how many fields it has against the header's columns
     * when they differ (fields counted between separators outside double quotes).
     */
    public String problem(String line) {
      if (source == DataFormat.CSV) {
        int fields = headerColumns > 0 && !separator.isEmpty() ? fields(line, separator) : -1;
        // An odd number of quotes: a quoted field opened or closed on another line — a value that
        // holds a line break, which Spark reads only with multiLine.
        String openQuote = line.chars().filter(c -> c == '"').count() % 2 == 1
            ? "; a quote in it is not closed on the line, as when a quoted value holds a line break: set multiLine = "
                + "true in the data's reader options (e.g. data.train.options { multiLine = true })"
            : "";
        return (fields > 0 && fields != headerColumns
            ? "does not fit the header: it has " + fields + " field" + (fields == 1 ? "" : "s") + " where the header "
                + "has " + headerColumns + " column" + (headerColumns == 1 ? "" : "s")
            : "does not fit the header: it has more or fewer fields than the header has columns, or a quote left open")
            + openQuote;
      }
      if (source == DataFormat.JSON) {
        return "is not one complete JSON object (each line must be one object, as in JSON Lines)";
      }
      return "could not be parsed into a row by Spark's reader";
    }

    private static int fields(String line, String separator) {
      int fields = 1;
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        if (line.charAt(i) == '"') {
          quoted = !quoted;
        } else if (!quoted && line.startsWith(separator, i)) {
          fields++;
          i += separator.length() - 1;
        }
      }
      return fields;
    }
  }

  /** The {@link #MALFORMED} column, marked as filled by {@code source}'s reader. */
  public static StructField malformedField(DataFormat source) {
    return malformedField(new Malformed(source, -1, ""));
  }

  /** The {@link #MALFORMED} column, marked with {@code malformed}. */
  public static StructField malformedField(Malformed malformed) {
    return new StructField(MALFORMED, DataTypes.StringType, true, new MetadataBuilder()
        .putString(MALFORMED_SOURCE, malformed.source().token()).putLong(HEADER_COLUMNS, malformed.headerColumns())
        .putString(SEPARATOR, malformed.separator()).build());
  }

  /** What {@code field} (a {@link #MALFORMED} column) is marked with, or null if it is not marked. */
  public static Malformed malformed(StructField field) {
    org.apache.spark.sql.types.Metadata m = field.metadata();
    if (!m.contains(MALFORMED_SOURCE)) {
      return null;
    }
    return new Malformed(DataFormat.fromToken(m.getString(MALFORMED_SOURCE)),
        m.contains(HEADER_COLUMNS) ? (int) m.getLong(HEADER_COLUMNS) : -1,
        m.contains(SEPARATOR) ? m.getString(SEPARATOR) : "");
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
