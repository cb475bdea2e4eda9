package io.sparkdnn.job;

import io.sparkdnn.files.Ownership;
import io.sparkdnn.files.StagedDirectory;
import org.apache.spark.sql.SparkSession;

/** Checks on where jobs write, and the staging directories they write through. */
final class Outputs {
  /**
   * predict.output.path is replaced (with predict.overwrite) only when it holds the writer marker
   * that spark-dnn predict puts into every output it writes ({@code _spark-dnn.json} with
   * {@code "kind": "predictions"}): never a directory of the user's, nor another job's output.
   */
  static final Ownership PREDICTIONS = Ownership.byMarker("predictions", "the output of spark-dnn predict");

  private Outputs() {}

  /**
   * A staging directory for output at {@code path}, after repairing what an interrupted earlier
   * run left there and checking that what is there may be replaced.
   *
   * @throws IllegalStateException when {@code path} holds a file, a directory that is not
   *     {@code ownership}'s, or one that is while {@code overwrite} is off
   */
  static StagedDirectory stage(SparkSession spark, String path, Ownership ownership, boolean overwrite, String key,
      String overwriteKey) {
    return StagedDirectory.create(path, spark.sparkContext().hadoopConfiguration(), ownership, overwrite, key,
        overwriteKey);
  }
}
