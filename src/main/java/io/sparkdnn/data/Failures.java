package io.sparkdnn.data;

import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Turns a failed Spark job back into the user-facing error that caused it. A {@link DataException}
 * thrown in a task reaches the driver as the cause of a SparkException when it could be
 * deserialised; otherwise only its text survives inside the SparkException's message.
 */
public final class Failures {
  private Failures() {}

  /**
   * The DataException behind a failed job, prefixed with {@code dataName} (a bad row stays a
   * {@link BadRowException}); otherwise {@code e} itself, wrapped if it is checked (Scala's
   * SparkException is, to Java).
   */
  public static RuntimeException asDataException(Exception e, String dataName) {
    DataException cause = findDataException(e);
    if (cause != null) {
      return cause.in(dataName);
    }
    return e instanceof RuntimeException ? (RuntimeException) e : new SparkJobException(e);
  }

  /**
   * {@link #asDataException(Exception, String)} for a job that read {@code data} partition by
   * partition: a bad row reported as "row L of input partition P" becomes a row number of the whole
   * input. That costs a count of the partitions before P, so it is done here, on the error path only.
   */
  public static RuntimeException asDataException(Exception e, Dataset<Row> data, String dataName) {
    return asDataException(locate(e, data), dataName);
  }

  private static Exception locate(Exception e, Dataset<Row> data) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BadRowException && ((BadRowException) t).partition() >= 0) {
        BadRowException bad = (BadRowException) t;
        int partition = bad.partition();
        List<Long> before = data.queryExecution().toRdd().toJavaRDD().mapPartitionsWithIndex((p, rows) -> {
          long n = 0;
          if (p < partition) {
            while (rows.hasNext()) {
              rows.next();
              n++;
            }
          }
          return Collections.singletonList(n).iterator();
        }, true).collect();
        long offset = before.stream().mapToLong(Long::longValue).sum();
        return bad.atRow(offset + bad.row());
      }
    }
    return e;
  }

  /** A failed Spark job that is not about the data; the cause says what happened. */
  public static final class SparkJobException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SparkJobException(Exception cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** The first DataException in the cause chain, or recovered from a SparkException's message. */
  public static DataException findDataException(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DataException) {
        return (DataException) t;
      }
    }
    String text = String.valueOf(e.getMessage());
    for (String type : new String[] {BadRowException.class.getName(), DataException.class.getName()}) {
      int at = text.indexOf(type + ": ");
      if (at >= 0) {
        String rest = text.substring(at + type.length() + 2);
        int end = rest.indexOf('\n');
        String message = end >= 0 ? rest.substring(0, end) : rest;
        return type.equals(BadRowException.class.getName()) ? BadRowException.recovered(message)
            : new DataException(message);
      }
    }
    return null;
  }
}
