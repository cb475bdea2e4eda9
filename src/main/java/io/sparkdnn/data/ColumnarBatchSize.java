package io.sparkdnn.data;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The rows per batch of Spark's columnar file readers (parquet and ORC) while spark-dnn plans its
 * own scans of wide array or vector features.
 *
 * <p>Why: Spark decodes {@code spark.sql.parquet.columnarReaderBatchSize} = 4096 rows per batch
 * by default, sized for scalar columns. A row of 784 array elements makes that 3.2 million values
 * per batch, each with its repetition and definition levels — for the main job's float features
 * about 13 MB of values and as much again for each of the two int level vectors, ~38 MB of column
 * vectors (computed), written and read again far outside the CPU caches. With about {@value #TARGET_VALUES} values per
 * batch (128 rows of 784) the main job packed its 60,000 rows in 3.3–3.8 s instead of 5.3–6.2 s,
 * and {@code dnn predict}'s scoring job took 3.8–4.3 s instead of 5.5–7.5 s (AMD EPYC Zen 5, 2
 * cores, the key set for the whole session; batches of 64 measured as 128, 256 to 1024 in between).
 *
 * <p>Spark reads the setting on the driver when a scan's RDD is made (the reader function is
 * built there), so it is set only around that step and taken away after: other queries of the
 * session keep Spark's default. A value the user set (in the session's configuration, or under
 * {@code spark.conf} in spark-dnn's configuration) is left alone. Concurrent scans of one session
 * (parallel fits) share one setting, counted, and the last to finish takes it away.
 */
public final class ColumnarBatchSize {
  /** Spark's parquet reader batch, in rows. */
  public static final String PARQUET_KEY = "spark.sql.parquet.columnarReaderBatchSize";
  /** Spark's ORC reader batch, in rows. */
  public static final String ORC_KEY = "spark.sql.orc.columnarReaderBatchSize";
  /** Values (elements of all rows) one batch aims at: 1 MiB of doubles, within a core's L2 cache. */
  static final int TARGET_VALUES = 1 << 17;
  static final int MIN_ROWS = 64;
  /** Spark's default, for rows narrow enough that it fits the target anyway. */
  static final int MAX_ROWS = 4096;

  /** Per session: scans being planned, and whether the keys were the user's when the first began. */
  private static final Map<SparkSession, Scoped> ACTIVE = new IdentityHashMap<>();

  private static final class Scoped {
    int scans;
    boolean parquetIsUsers;
    boolean orcIsUsers;
  }

  private ColumnarBatchSize() {}

  /**
   * Rows per batch for rows of {@code valuesPerRow} values: the power of two nearest below
   * {@value #TARGET_VALUES} / valuesPerRow, within [{@value #MIN_ROWS}, {@value #MAX_ROWS}].
   *
   * @param valuesPerRow array elements one row holds (≥ 1); unknown widths pass a large number
   */
  public static int rowsFor(long valuesPerRow) {
    if (valuesPerRow < 1) {
      throw new IllegalArgumentException("valuesPerRow must be at least 1, got " + valuesPerRow);
    }
    long rows = Long.highestOneBit(Math.max(1, TARGET_VALUES / valuesPerRow));
    return (int) Math.max(MIN_ROWS, Math.min(MAX_ROWS, rows));
  }

  /**
   * Runs {@code plan} — the step that makes a scan's RDD, e.g. {@code queryExecution().toRdd()} —
   * with the columnar reader batch sized for rows of {@code valuesPerRow} values, unless the user
   * set it; the session's settings are as before once it returns or throws.
   */
  public static <T> T planning(SparkSession spark, long valuesPerRow, Supplier<T> plan) {
    String rows = Integer.toString(rowsFor(valuesPerRow));
    synchronized (ACTIVE) {
      Scoped scoped = ACTIVE.computeIfAbsent(spark, s -> new Scoped());
      if (scoped.scans++ == 0) {
        scoped.parquetIsUsers = spark.conf().contains(PARQUET_KEY);
        scoped.orcIsUsers = spark.conf().contains(ORC_KEY);
        if (!scoped.parquetIsUsers) {
          spark.conf().set(PARQUET_KEY, rows);
        }
        if (!scoped.orcIsUsers) {
          spark.conf().set(ORC_KEY, rows);
        }
      }
    }
    try {
      return plan.get();
    } finally {
      synchronized (ACTIVE) {
        Scoped scoped = ACTIVE.get(spark);
        if (--scoped.scans == 0) {
          ACTIVE.remove(spark);
          if (!scoped.parquetIsUsers) {
            spark.conf().unset(PARQUET_KEY);
          }
          if (!scoped.orcIsUsers) {
            spark.conf().unset(ORC_KEY);
          }
        }
      }
    }
  }

  /**
   * {@code data}'s internal rows ({@code queryExecution().toRdd()}), its file scans planned with
   * reader batches sized for rows of {@code nestedValues} array elements; with Spark's batches
   * when 0 (scalar columns, sparse rows).
   */
  public static RDD<InternalRow> internalRows(Dataset<Row> data, int nestedValues) {
    return nestedValues > 0
        ? planning(data.sparkSession(), nestedValues, () -> data.queryExecution().toRdd())
        : data.queryExecution().toRdd();
  }
}
