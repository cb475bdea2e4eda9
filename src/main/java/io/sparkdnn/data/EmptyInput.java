package io.sparkdnn.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The one message for input data without rows, whichever step finds it out.
 *
 * <p>Why it is not always checked up front: {@code Dataset.isEmpty()} is a Spark job of its own,
 * about half a second of a training run's start-up on a cold JVM, and the training data is scanned
 * anyway before training starts (for its vector width, its label classes, and by packing). So
 * {@link DataSource#open} reads training data without that job, and each first scan that finds
 * nothing calls {@link #check} on its (rare) way to an error.
 */
public final class EmptyInput {
  private EmptyInput() {}

  /**
   * Throws the "has no rows" error when {@code data} has no rows (one Spark job: call it where a
   * scan already came back empty, or where the input must be known to have rows before any work).
   *
   * @param dataName how messages name the data, e.g. {@code training data (data.train.path=x.csv)}
   * @throws DataException when {@code data} has no rows
   */
  public static void check(Dataset<Row> data, String dataName) {
    boolean empty;
    try {
      empty = data.isEmpty();
    } catch (Exception e) { // SparkException is checked to Java; a file's failure names the data
      throw Failures.asDataException(e, dataName);
    }
    if (empty) {
      throw noRows(data, dataName);
    }
  }

  /**
   * "{@code dataName} has no rows; its columns are …", with "(only a header line)" for CSV input
   * (recognised by the column {@link Columns#MALFORMED} that {@link DataSource} adds to CSV reads).
   */
  static DataException noRows(Dataset<Row> data, String dataName) {
    List<String> names = new ArrayList<>(Arrays.asList(data.columns()));
    boolean csv = names.remove(Columns.MALFORMED);
    return new DataException(dataName + " has no rows" + (csv ? " (only a header line)" : "")
        + "; its columns are " + String.join(", ", names) + "; point it at the data with rows (or check the "
        + "filter that made it)");
  }

  /**
   * "{@code dataName} has no usable rows (all N were skipped as bad)": rows were read but none was
   * kept, for a step that has already checked that there were rows at all.
   *
   * @param skipped rows skipped under {@code data.bad-rows = skip} or {@code handleInvalid = skip} (0: none)
   */
  public static DataException noUsableRows(String dataName, long skipped) {
    return new DataException(dataName + " has no usable rows" + (skipped > 0 ? " (all " + skipped
        + " were skipped as bad; failing on bad rows instead — data.bad-rows = fail, or handleInvalid = error in "
        + "Spark ML — names the first of them and what is wrong with it)" : ""));
  }

  /**
   * {@code packed} (held-out rows of {@code data}) when it holds usable rows; otherwise releases it
   * and throws "has no rows" (data opened without a row check), {@link #noUsableRows}, or — rows
   * there, all of weight 0 in {@code weightColumn} (null: no row weights) —
   * {@link PackedData#requireRowsOfWeight}'s refusal.
   */
  public static PackedData requireUsableRows(PackedData packed, Dataset<Row> data, String dataName,
      String weightColumn) {
    if (packed.validationRows() > 0) {
      try {
        packed.requireRowsOfWeight(dataName, dataName, weightColumn);
      } catch (DataException e) {
        packed.release();
        throw e;
      }
      return packed;
    }
    packed.release();
    if (packed.skippedRows() == 0) {
      check(data, dataName); // data may come opened without a row check (DataSource.open)
    }
    throw noUsableRows(dataName, packed.skippedRows());
  }
}
