package io.sparkdnn.job;

import io.sparkdnn.data.FashionMnist;
import io.sparkdnn.data.SyntheticData;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** Converts a public dataset to parquet once, for training ({@code prepare} section). */
public final class PrepareJob {
  private final JobConfig.PrepareSettings settings;

  public PrepareJob(JobConfig job) {
    this.settings = job.prepare();
  }

  /** Writes the dataset; returns one line saying what was written where. */
  public String run(SparkSession spark) {
    String output = settings.output() != null ? settings.output() : "data/" + settings.dataset().token();
    boolean overwrite = settings.overwrite();
    if (settings.dataset() == PrepareDataset.SYNTHETIC) {
      for (String file : new String[] {"multiclass.parquet", "binary.csv", "regression.parquet", "multilabel.parquet"}) {
        Outputs.checkWritable(spark, output + "/" + file, overwrite, "prepare.output", "prepare.overwrite");
      }
      SyntheticData.write(spark, output, settings.rows(), settings.seed(), overwrite);
      return "synthetic: " + settings.rows() + " rows each written to " + output
          + "/{multiclass.parquet,binary.csv,regression.parquet,multilabel.parquet}";
    }
    for (String split : new String[] {"train", "test"}) {
      Outputs.checkWritable(spark, output + "/" + split + ".parquet", overwrite, "prepare.output", "prepare.overwrite");
    }
    long[] rows = FashionMnist.prepare(spark, Path.of(settings.source()), output, overwrite);
    return "fashion-mnist: " + rows[0] + " training and " + rows[1] + " test rows written to "
        + output + "/{train,test}.parquet";
  }
}
