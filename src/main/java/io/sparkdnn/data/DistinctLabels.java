package io.sparkdnn.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The distinct values of a one-column dataset, up to a limit, and the rows of each, found in one
 * pass with no shuffle.
 *
 * <p>Why not {@code Dataset.distinct()}: that plans a hash aggregate with a shuffle (and, under
 * adaptive execution, a second stage), about a second of fixed cost before training can start,
 * for a result of at most a few thousand values. Each task here keeps a map of at most {@code
 * limit + 1} values to their row counts, and the maps meet in a tree reduction.
 */
public final class DistinctLabels implements Serializable {
  private final int limit;
  /** Each value found, with the rows that hold it. */
  private final HashMap<Object, Long> values = new HashMap<>();
  private long rows;

  private DistinctLabels(int limit) {
    this.limit = limit;
  }

  /**
   * What one pass found: the distinct values (at most limit + 1, in no order) with the rows that
   * hold each (once more than {@code limit} values are found, later rows of new values are not
   * counted), and the non-null rows read.
   */
  public record Found(Map<Object, Long> counts, long rows) {
    /** The distinct values, in no order. */
    public List<Object> values() {
      return new ArrayList<>(counts.keySet());
    }
  }

  /**
   * The distinct non-null values of {@code column}'s single column, in no particular order; at
   * most {@code limit + 1} of them, so that a caller can tell "more than limit" apart; and how many
   * non-null rows there were.
   *
   * @param column a dataset of exactly one column (filter out what should not count first)
   */
  public static Found of(Dataset<Row> column, int limit) {
    DistinctLabels found = column.javaRDD()
        .treeAggregate(new DistinctLabels(limit), DistinctLabels::add, DistinctLabels::merge, 2);
    return new Found(Map.copyOf(found.values), found.rows);
  }

  private DistinctLabels add(Row row) {
    if (!row.isNullAt(0)) {
      rows++;
    }
    if (!row.isNullAt(0)) {
      Object v = row.get(0);
      // Spark's distinct() counts -0.0 and 0.0 as one value; so does this
      Object key = v instanceof Double d && d == 0 ? (Object) 0.0 : v instanceof Float f && f == 0 ? (Object) 0.0f : v;
      if (values.size() <= limit || values.containsKey(key)) {
        values.merge(key, 1L, Long::sum);
      }
    }
    return this;
  }

  private DistinctLabels merge(DistinctLabels other) {
    rows += other.rows;
    other.values.forEach((v, n) -> {
      if (values.size() <= limit || values.containsKey(v)) {
        values.merge(v, n, Long::sum);
      }
    });
    return this;
  }
}
