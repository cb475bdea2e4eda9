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
      count(row.get(0));
    }
    return this;
  }

  /** Counts one row's non-null value; false when the value is new and the limit is reached (not counted). */
  private boolean count(Object value) {
    rows++;
    Object key = key(value);
    if (values.size() <= limit || values.containsKey(key)) {
      values.merge(key, 1L, Long::sum);
      return true;
    }
    return false;
  }

  /** Spark's distinct() counts -0.0 and 0.0 as one value; so does this. */
  private static Object key(Object v) {
    return v instanceof Double d && d == 0 ? (Object) 0.0 : v instanceof Float f && f == 0 ? (Object) 0.0f : v;
  }

  /**
   * The labels of one input partition, found while packing reads its rows: each distinct value
   * counted as {@link DistinctLabels} counts it, with a code — its order of appearance in the
   * partition — that the rows' targets hold until the classes are known ({@link #classOfCode}).
   * Also holds the partition's first row without a usable label, when packing refuses bad rows:
   * it is reported after the labels are checked, so that a column with no usable label at all is
   * named as such rather than by its first row.
   */
  public static final class Coded implements Serializable {
    private static final long serialVersionUID = 1L;
    private final DistinctLabels counts;
    private final HashMap<Object, Integer> codes = new HashMap<>();
    private final ArrayList<Object> byCode = new ArrayList<>();
    /** The partition's first row without a label, kept as plain fields (Kryo ships this with a task's result). */
    private BadRowReason heldReason;
    private String heldColumn;
    private String heldProblem;
    private int heldPartition;
    private long heldRow;

    public Coded(int limit) {
      counts = new DistinctLabels(limit);
    }

    /** Counts a row's usable label (not null, not NaN or ±∞), coding it when it is new. */
    public void count(Object label) {
      if (counts.count(label)) {
        codes.computeIfAbsent(key(label), k -> {
          byCode.add(k);
          return byCode.size() - 1;
        });
      }
    }

    /** The code of a label {@link #count} counted; −1 for one past the limit. */
    public int codeOf(Object label) {
      return codes.getOrDefault(key(label), -1);
    }

    /** Keeps {@code bad} (located by its partition row) when it is the partition's first row without a label. */
    public void holdUnlabelled(BadRowException bad) {
      if (heldReason != null) {
        return;
      }
      heldReason = bad.reason();
      heldColumn = bad.column();
      heldProblem = bad.problem();
      heldPartition = bad.partition();
      heldRow = bad.row();
    }

    /** The row without a label held by {@link #holdUnlabelled}, or null. */
    public BadRowException firstUnlabelled() {
      return heldReason == null ? null
          : new BadRowException(heldReason, heldColumn, heldProblem).atPartitionRow(heldPartition, heldRow);
    }

    /** Code → class index under {@code classes} (every value found must be one of them). */
    public int[] classOfCode(LabelIndex classes) {
      int[] classOf = new int[byCode.size()];
      for (int c = 0; c < classOf.length; c++) {
        classOf[c] = classes.indexOf(byCode.get(c));
        if (classOf[c] < 0) {
          throw new IllegalStateException("label " + byCode.get(c) + " found but not among the classes");
        }
      }
      return classOf;
    }

    /** What the partitions found together, as one pass of {@link DistinctLabels#of} finds it. */
    public static Found merged(List<Coded> partitions) {
      DistinctLabels all = null;
      for (Coded p : partitions) {
        all = all == null ? new DistinctLabels(p.counts.limit).merge(p.counts) : all.merge(p.counts);
      }
      return all == null ? new Found(Map.of(), 0) : new Found(Map.copyOf(all.values), all.rows);
    }
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
