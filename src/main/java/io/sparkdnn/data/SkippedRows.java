package io.sparkdnn.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Rows left out as bad ({@code data.bad-rows = skip}), counted per {@link BadRowReason} in Spark
 * accumulators: tasks {@link #add} to them, the driver reads {@link #counts} after the job. Spark
 * applies a task's accumulator updates once per finished task of a job's last stage (prediction
 * counts there); in an earlier stage (packing reads rows before a shuffle) a task run again after a
 * lost executor counts its rows again.
 */
public final class SkippedRows implements Serializable {
  private static final long serialVersionUID = 1L;

  private final EnumMap<BadRowReason, LongAccumulator> counters = new EnumMap<>(BadRowReason.class);
  private final LongAccumulator read;

  /** Registers one accumulator per reason with {@code sc} (named "rows skipped: REASON" in Spark's UI). */
  public SkippedRows(SparkContext sc) {
    for (BadRowReason reason : BadRowReason.values()) {
      counters.put(reason, sc.longAccumulator("rows skipped: " + reason.description()));
    }
    read = sc.longAccumulator("rows read");
  }

  /**
   * Counts {@code n} rows read, good or bad (in a task). After a job, {@link #rowsRead} of 0 says the
   * input was empty without a Spark job of its own to ask; a count above 0 may include rows of
   * retried tasks.
   */
  public void read(long n) {
    read.add(n);
  }

  /** Rows the tasks read (on the driver, after the job); see {@link #read}. */
  public long rowsRead() {
    return read.value();
  }

  /** Counts one row skipped for {@code reason} (in a task). */
  public void add(BadRowReason reason) {
    counters.get(reason).add(1);
  }

  /** The reasons with at least one skipped row, and how many (on the driver, after the job). */
  public Map<BadRowReason, Long> counts() {
    Map<BadRowReason, Long> counts = new EnumMap<>(BadRowReason.class);
    counters.forEach((reason, counter) -> {
      if (counter.value() > 0) {
        counts.put(reason, counter.value());
      }
    });
    return counts;
  }

  /**
   * One line per reason, for the log: "skipped N rows of DATA with a REASON (bad rows skipped: …)"
   * and, when {@code after} is not null, what became of them.
   */
  public static List<String> lines(Map<BadRowReason, Long> counts, String dataName, String after) {
    List<String> lines = new ArrayList<>();
    counts.forEach((reason, n) -> lines.add(String.format(Locale.ROOT, "skipped %,d row%s of %s with a %s "
        + "(bad rows skipped: data.bad-rows = skip, or handleInvalid = skip or keep in Spark ML)%s", n,
        n == 1 ? "" : "s", dataName, reason.description(),
        after == null ? "" : ": " + after)));
    return lines;
  }
}
