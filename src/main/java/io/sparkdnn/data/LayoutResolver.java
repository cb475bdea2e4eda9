package io.sparkdnn.data;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/** Resolves {@code data.layout = auto} against the training data (see {@link DataLayout#AUTO}). */
public final class LayoutResolver {
  /** Rows looked at: the first ones with a value, read by one small Spark job. */
  static final int SAMPLE_ROWS = 100;

  private LayoutResolver() {}

  /** {1 if stored sparse else 0, non-zero values} of a vector cell. */
  private static long[] storage(InternalRow row) {
    InternalRow vector = row.getStruct(0, 4);
    boolean sparse = vector.getByte(0) == 0;
    double[] values = vector.getArray(3).toDoubleArray();
    long nonZeros = 0;
    for (double v : values) {
      nonZeros += v != 0 ? 1 : 0;
    }
    return new long[] {sparse ? 1 : 0, nonZeros};
  }

  /** What was chosen and why, for the log. */
  public record Choice(DataLayout layout, String reason) {}

  /**
   * {@code requested} when it is dense or sparse; for auto, sparse when {@code columns} is one
   * vector column at least {@value DataLayout#AUTO_MIN_WIDTH} wide whose first rows are mostly
   * stored as sparse vectors with at most {@value DataLayout#AUTO_MAX_DENSITY} of their values
   * non-zero, else dense. Arrays and numeric columns stay dense without reading anything.
   */
  public static Choice resolve(DataLayout requested, Dataset<Row> data, InputColumns columns) {
    if (requested != DataLayout.AUTO) {
      return new Choice(requested, "data.layout = " + requested.token());
    }
    if (columns.featureShape() != InputColumns.Shape.VECTOR) {
      return new Choice(DataLayout.DENSE, "auto: the features are " + (columns.featureShape() == InputColumns.Shape.ARRAY
          ? "an array column" : "numeric columns") + ", not a column of sparse vectors");
    }
    if (columns.width() < DataLayout.AUTO_MIN_WIDTH) {
      return new Choice(DataLayout.DENSE, "auto: " + columns.width() + " features per row, fewer than "
          + DataLayout.AUTO_MIN_WIDTH);
    }
    String column = columns.featureColumns()[0];
    // Read VectorUDT's struct (type 0 = sparse, size, indices, values) rather than Vector objects, whose
    // constructor would throw on a malformed row: packing refuses that row by its number instead.
    List<long[]> sample = data.select(Columns.col(data, column)).where(Columns.col(data, column).isNotNull())
        .limit(SAMPLE_ROWS).queryExecution().toRdd().toJavaRDD().map(LayoutResolver::storage).collect();
    int sparseRows = 0;
    double nonZeros = 0;
    for (long[] r : sample) {
      sparseRows += (int) r[0];
      nonZeros += r[1];
    }
    double density = sample.isEmpty() ? 1 : nonZeros / sample.size() / columns.width();
    String seen = String.format(Locale.ROOT, "%d of the first %d rows of column '%s' are sparse vectors, "
        + "%.3g%% of %d values non-zero", sparseRows, sample.size(), column, 100 * density, columns.width());
    boolean sparse = 2 * sparseRows > sample.size() && density <= DataLayout.AUTO_MAX_DENSITY;
    return new Choice(sparse ? DataLayout.SPARSE : DataLayout.DENSE, "auto: " + seen);
  }
}
