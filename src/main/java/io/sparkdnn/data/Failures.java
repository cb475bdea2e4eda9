package io.sparkdnn.data;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Turns a failed Spark job back into the user-facing error that caused it. A {@link DataException}
 * thrown in a task reaches the driver as the cause of a SparkException when it could be
 * deserialised; otherwise only its text survives inside the SparkException's message.
 */
public final class Failures {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Failures.class);
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
        DataException wholeColumn = textColumn(bad, data);
        if (wholeColumn != null) {
          return wholeColumn;
        }
        try {
          if (data.inputFiles().length > 1) {
            return inFiles(bad, data);
          }
          return bad.atRow(rowsBefore(bad.partition(), data) + bad.row());
        } catch (RuntimeException locating) { // the bad row, by partition, rather than the locating job's failure
          LOG.debug("could not locate the bad row in the input", locating);
          return e;
        }
      }
    }
    return e;
  }

  /**
   * For a row refused because a column's value is not a number: when no row of {@code data} has a
   * number in that column (names, categories, a class label given to a regression), the failure of
   * the whole column, since fixing or skipping rows would not help; else null (then the row is named).
   * One Spark job on the error path, which stops at the first number found.
   */
  static DataException textColumn(BadRowException bad, Dataset<Row> data) {
    boolean feature = bad.reason() == BadRowReason.NON_NUMERIC_FEATURE;
    if (!feature && bad.reason() != BadRowReason.NON_NUMERIC_TARGET || bad.column() == null
        || !java.util.Arrays.asList(data.columns()).contains(bad.column())) {
      return null;
    }
    org.apache.spark.sql.Column column = Columns.col(data, bad.column());
    try {
      // try_cast: under ANSI SQL (Spark 4's default) a plain cast of text to double fails the job
      if (!data.filter(column.try_cast("double").isNotNull()).limit(1).isEmpty()) {
        return null;
      }
    } catch (RuntimeException checking) { // the row, as before, rather than the checking job's failure
      LOG.debug("could not check the column for numbers", checking);
      return null;
    }
    String what = "column '" + bad.column() + "' holds no number in any row (the first refused " + bad.problem() + ")";
    return new DataException(feature
        ? what + "; a feature must be a number: turn the column into numbers first (Spark ML's StringIndexer and "
            + "OneHotEncoder, or hashed terms: see the README's Sparse input), or, to train, leave it out of data.features"
        : what + ", so it cannot be a regression target; for classes, end network.layers in softmax (the values "
            + "are then read as class names), or choose a numeric label column (data.label)");
  }

  /**
   * {@code bad} (a row failure with no location yet) at the row of {@code data} with 0-based id
   * {@code rowId}, as packing numbers rows: their position in the order the partitions are read,
   * bad rows counted, so row {@code rowId + 1} of the input. For data read from several files, one
   * job counts each partition's rows to find the row's partition, and the row is then named by its
   * file and its row there, as a bad row found while reading is; if that fails, by its row number.
   */
  public static BadRowException atRowId(BadRowException bad, long rowId, Dataset<Row> data) {
    try {
      if (data.inputFiles().length > 1) {
        List<Long> counts = rowsPerPartition(data, Integer.MAX_VALUE);
        long before = 0;
        for (int p = 0; p < counts.size(); p++) {
          if (rowId < before + counts.get(p)) {
            return inFiles(bad.atPartitionRow(p, rowId - before + 1), data);
          }
          before += counts.get(p);
        }
      }
    } catch (RuntimeException locating) {
      LOG.debug("could not locate the row in the input files", locating);
    }
    return bad.atRow(rowId + 1);
  }

  /**
   * Where the first row of {@code data} that holds each of {@code values} in its column {@code
   * column} is, as a bad row's message names it ("row 41", or its file and the row in it for data
   * read from several files); values held by no row are left out. Values are compared as Spark's
   * {@code Row.get} returns them. Jobs on the error path: one finds the rows, one per value locates it.
   */
  public static Map<Object, String> firstRowsHolding(Dataset<Row> data, String column, java.util.Set<Object> values) {
    Dataset<Row> one = data.select(Columns.col(data, column));
    List<Map<Object, Long>> firsts = one.javaRDD().mapPartitions(rows -> {
      Map<Object, Long> first = new LinkedHashMap<>();
      for (long n = 1; rows.hasNext() && first.size() < values.size(); n++) {
        Object v = rows.next().get(0);
        if (v != null && values.contains(v)) {
          first.putIfAbsent(v, n);
        }
      }
      return Collections.singletonList(first).iterator();
    }, true).collect();
    Map<Object, String> located = new LinkedHashMap<>();
    for (int p = 0; p < firsts.size(); p++) {
      for (Map.Entry<Object, Long> e : firsts.get(p).entrySet()) {
        if (!located.containsKey(e.getKey())) {
          BadRowException bad = new BadRowException(null, null, "").atPartitionRow(p, e.getValue());
          Exception where = locate(bad, one);
          located.put(e.getKey(), where instanceof BadRowException b ? b.location() : bad.location());
        }
      }
    }
    return located;
  }

  /** Rows in the partitions of {@code data} before {@code partition}: one counting job. */
  private static long rowsBefore(int partition, Dataset<Row> data) {
    return rowsPerPartition(data, partition).stream().mapToLong(Long::longValue).sum();
  }

  /** The rows of each partition of {@code data} before {@code end} (0 for the others): one job. */
  private static List<Long> rowsPerPartition(Dataset<Row> data, int end) {
    return data.queryExecution().toRdd().toJavaRDD().mapPartitionsWithIndex((p, rows) -> {
      long n = 0;
      if (p < end) {
        while (rows.hasNext()) {
          rows.next();
          n++;
        }
      }
      return Collections.singletonList(n).iterator();
    }, true).collect();
  }

  /**
   * The bad row located in the file it was read from, for data read from several files, where a
   * row number of the whole input would send the user counting through the files. One job reads
   * the partitions up to the bad row's with Spark's {@code input_file_name()} and counts each
   * partition's rows per file; the bad row's file is the one its own row came from. Its number in
   * that file adds the file's rows in the partitions before: Spark hands a file's splits to
   * partitions in the order of their offsets, so those rows come first in the file.
   */
  private static BadRowException inFiles(BadRowException bad, Dataset<Row> data) {
    int partition = bad.partition();
    long row = bad.row();
    int fileColumn = data.schema().length();
    Dataset<Row> named = data.withColumn("_spark_dnn_input_file", functions.input_file_name());
    List<FileCounts> counts = named.queryExecution().toRdd().toJavaRDD().mapPartitionsWithIndex((p, rows) -> {
      Map<String, Long> perFile = new LinkedHashMap<>();
      String last = null;
      for (long n = 1; p <= partition && rows.hasNext() && (p < partition || n <= row); n++) {
        last = rows.next().getUTF8String(fileColumn).toString();
        perFile.merge(last, 1L, Long::sum);
      }
      return Collections.singletonList(new FileCounts(perFile, last)).iterator();
    }, true).collect();
    long inInput = row;
    for (int p = 0; p < partition; p++) {
      inInput += counts.get(p).total();
    }
    String file = counts.get(partition).last;
    if (file == null || file.isEmpty()) { // rows that do not come straight from a file
      return bad.atRow(inInput);
    }
    long inFile = 0;
    for (int p = 0; p <= partition; p++) {
      inFile += counts.get(p).of(file);
    }
    return bad.atRow(inInput, inFile, shown(file));
  }

  /**
   * The rows of one partition per input file (as Spark names them, by URI), and the file of the
   * last row read. Public only for Kryo's registration ({@code DnnKryoRegistrator}).
   */
  public static final class FileCounts implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] files;
    private final long[] rows;
    private final String last;

    FileCounts(Map<String, Long> perFile, String last) {
      this.files = perFile.keySet().toArray(new String[0]);
      this.rows = perFile.values().stream().mapToLong(Long::longValue).toArray();
      this.last = last;
    }

    long total() {
      return java.util.Arrays.stream(rows).sum();
    }

    long of(String file) {
      for (int i = 0; i < files.length; i++) {
        if (files[i].equals(file)) {
          return rows[i];
        }
      }
      return 0;
    }
  }

  /** A local file as its path, any other file as its URI (Spark names input files by URI). */
  static String shown(String uri) {
    try {
      URI u = new URI(uri);
      return "file".equals(u.getScheme()) ? u.getPath() : uri;
    } catch (URISyntaxException e) {
      return uri;
    }
  }

  private static final String HEADER_MISMATCH = "CSV header does not conform to the schema.";
  private static final String HEADER_WIDTH = "Number of column in CSV header is not equal to number of fields";
  private static final java.util.regex.Pattern HEADER_WIDTH_DETAIL =
      java.util.regex.Pattern.compile("Header length: (\\d+), schema size: (\\d+)\\s*\\nCSV file: (\\S+)");

  /**
   * Spark's refusal of a CSV file whose header names the columns otherwise than the schema (the
   * first file's header), as one line: which file, both headers, and what to do. Null when
   * {@code text} is not that refusal.
   */
  static DataException csvHeaderMismatch(String text) {
    int width = text.indexOf(HEADER_WIDTH);
    if (width >= 0) {
      java.util.regex.Matcher m = HEADER_WIDTH_DETAIL.matcher(text.substring(width));
      if (m.find()) {
        return new DataException("the files' headers differ: file " + shown(m.group(3)) + " has " + m.group(1)
            + " columns in its header where the columns Spark took from the first file it read (the largest) are "
            + m.group(2) + "; give every file the same header, with the same columns in the same order");
      }
    }
    int at = text.indexOf(HEADER_MISMATCH);
    if (at < 0) {
      return null;
    }
    String header = null;
    String schema = null;
    String file = null;
    for (String line : text.substring(at + HEADER_MISMATCH.length()).split("\n")) {
      String l = line.trim();
      if (header == null && l.startsWith("Header: ")) {
        header = l.substring("Header: ".length());
      } else if (schema == null && l.startsWith("Schema: ")) {
        schema = l.substring("Schema: ".length());
      } else if (file == null && l.startsWith("CSV file: ")) {
        file = shown(l.substring("CSV file: ".length()).trim());
      }
    }
    if (header == null || schema == null || file == null) {
      return null;
    }
    return new DataException("file " + file + " has the header '" + header + "' where the data's columns are '"
        + schema + "' (from the first file read): its values would land in the wrong columns; give every file "
        + "the same header, with the columns in the same order");
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
    for (Throwable t = e; t != null; t = t.getCause()) {
      DataException header = csvHeaderMismatch(String.valueOf(t.getMessage()));
      if (header != null) {
        return header;
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
