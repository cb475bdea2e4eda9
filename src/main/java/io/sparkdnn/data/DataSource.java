package io.sparkdnn.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** A dataset on any Hadoop filesystem in one of the formats Spark reads. */
public final class DataSource implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final DataFormat format;
  private final Map<String, String> options;
  private final String configKey;

  /**
   * @param configKey the configuration key the path came from, named in messages
   */
  public DataSource(String path, DataFormat format, Map<String, String> options, String configKey) {
    this.path = java.util.Objects.requireNonNull(path, configKey);
    this.format = java.util.Objects.requireNonNull(format, "format");
    this.options = new LinkedHashMap<>(options);
    this.configKey = configKey;
  }

  public String path() {
    return path;
  }

  public DataFormat format() {
    return format;
  }

  /** Options passed to Spark's reader (e.g. sep for csv). */
  public Map<String, String> options() {
    return java.util.Collections.unmodifiableMap(options);
  }

  /** How messages refer to this data: {@code what (key=path)}. */
  public String describe(String what) {
    return what + " (" + configKey + "=" + path + ")";
  }

  /** Reads the data; a missing path is a DataException naming the key and the path. */
  public Dataset<Row> read(SparkSession spark, String what) {
    checkExists(spark, what);
    DataFrameReader reader = spark.read().format(format.token());
    if (format == DataFormat.CSV) {
      reader = reader.option("header", "true").option("inferSchema", "true");
    }
    try {
      return reader.options(options).load(path);
    } catch (Exception e) { // Spark's AnalysisException is checked to Java
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new DataException("cannot read " + describe(what) + " as " + format.token() + ": " + root.getMessage());
    }
  }

  private void checkExists(SparkSession spark, String what) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new DataException(what + " not found: " + path + " (" + configKey + ")");
      }
    } catch (IOException e) {
      throw new DataException("cannot read " + what + " at " + path + " (" + configKey + "): " + e.getMessage());
    }
  }
}
