package io.sparkdnn.job;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Checks on where jobs write. */
final class Outputs {
  private Outputs() {}

  /** Refuses to replace existing output unless the overwrite key says so. */
  static void checkWritable(SparkSession spark, String path, boolean overwrite, String key, String overwriteKey) {
    try {
      Path p = new Path(path);
      if (!overwrite && p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
        throw new ConfigException(key + " " + path + " already exists; set " + overwriteKey
            + " = true or choose another path");
      }
    } catch (IOException e) {
      throw new ConfigException("cannot check " + key + " " + path + ": " + e.getMessage());
    }
  }
}
