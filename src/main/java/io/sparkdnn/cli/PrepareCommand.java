package io.sparkdnn.cli;

import io.sparkdnn.data.FashionMnist;
import io.sparkdnn.data.SyntheticData;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Converts a public dataset to parquet once, for training. */
@Command(name = "prepare", description = "Write a dataset (prepare.dataset: fashion-mnist or synthetic) under prepare.output.")
final class PrepareCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    Settings s = options.settings();
    String dataset = s.string("prepare.dataset");
    if (!dataset.equals("fashion-mnist") && !dataset.equals("synthetic")) {
      throw new ConfigException("prepare.dataset: unknown dataset '" + dataset
          + "'; supported: fashion-mnist, synthetic");
    }
    String output = s.isSet("prepare.output") ? s.string("prepare.output") : "data/" + dataset;
    boolean overwrite = s.bool("prepare.overwrite");
    try (Jobs.Session session = Jobs.session(s)) {
      SparkSession spark = session.spark;
      if (dataset.equals("synthetic")) {
        int rows = s.integer("prepare.rows", 100, 10_000_000);
        for (String file : new String[] {"multiclass.parquet", "binary.csv", "regression.parquet", "multilabel.parquet"}) {
          Jobs.checkWritable(spark, output + "/" + file, overwrite, "prepare.output", "prepare.overwrite");
        }
        SyntheticData.write(spark, output, rows, s.longValue("prepare.seed"), overwrite);
        options.out().println("synthetic: " + rows + " rows each written to " + output
            + "/{multiclass.parquet,binary.csv,regression.parquet,multilabel.parquet}");
        return 0;
      }
      Path source = Path.of(s.string("prepare.source"));
      for (String split : new String[] {"train", "test"}) {
        Jobs.checkWritable(spark, output + "/" + split + ".parquet", overwrite, "prepare.output", "prepare.overwrite");
      }
      long[] rows = FashionMnist.prepare(spark, source, output, overwrite);
      options.out().println("fashion-mnist: " + rows[0] + " training and " + rows[1] + " test rows written to "
          + output + "/{train,test}.parquet");
      return 0;
    }
  }
}
