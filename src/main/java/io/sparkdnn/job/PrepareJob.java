package io.sparkdnn.job;

import io.sparkdnn.data.FashionMnist;
import io.sparkdnn.data.SyntheticData;
import io.sparkdnn.files.Ownership;
import io.sparkdnn.files.StagedDirectory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** Converts a public dataset to parquet once, for training ({@code prepare} section). */
public final class PrepareJob {
  private final JobConfig.PrepareSettings settings;

  public PrepareJob(JobConfig job) {
    this.settings = job.prepare();
  }

  /**
   * What prepare.output's directories may be replaced by (with prepare.overwrite): only a dataset
   * that spark-dnn prepare wrote, recognised by its writer marker. A directory of the user's at
   * prepare.output/train.parquet is never deleted (Spark's overwrite mode deleted it whole).
   */
  static final Ownership DATASET = Ownership.byMarker("dataset", "a dataset written by spark-dnn prepare");

  /**
   * Writes the dataset's directories, each through a staging directory, and swaps them all into
   * place only after every one is written: a failure leaves what was there before (or nothing).
   * Returns one line saying what was written where.
   *
   * @throws IllegalStateException when an output path holds something that may not be replaced
   */
  public String run(SparkSession spark) {
    String output = settings.output() != null ? settings.output() : "data/" + settings.dataset().token();
    boolean synthetic = settings.dataset() == PrepareDataset.SYNTHETIC;
    List<String> names = synthetic ? SyntheticData.OUTPUTS : FashionMnist.OUTPUTS;
    Map<String, StagedDirectory> staged = new LinkedHashMap<>();
    try {
      for (String name : names) {
        staged.put(name, Outputs.stage(spark, output + "/" + name, DATASET, settings.overwrite(), "prepare.output",
            "prepare.overwrite"));
      }
      // Append: each staging directory is new and holds only the writer marker, which Spark keeps.
      Function<String, String> target = name -> staged.get(name).path().toString();
      String done;
      if (synthetic) {
        SyntheticData.write(spark, target, settings.rows(), settings.seed(), SaveMode.Append);
        done = "synthetic: " + settings.rows() + " rows each written to " + output + "/{" + String.join(",", names)
            + "}";
      } else {
        long[] rows = FashionMnist.write(spark, Path.of(settings.source()), target, SaveMode.Append);
        done = "fashion-mnist: " + rows[0] + " training and " + rows[1] + " test rows written to "
            + output + "/{" + String.join(",", names) + "}";
      }
      for (StagedDirectory s : staged.values()) {
        s.commit();
      }
      return done;
    } finally {
      for (StagedDirectory s : staged.values()) {
        s.close(); // deletes a staging directory that was not committed
      }
    }
  }
}
