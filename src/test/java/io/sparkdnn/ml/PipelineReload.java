package io.sparkdnn.ml;

import io.sparkdnn.train.SparkSetup;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;

/** Run in a fresh JVM by MlPipelineTest: load a saved PipelineModel, predict, write the result. */
public final class PipelineReload {
  public static void main(String[] args) {
    SparkSession spark = SparkSetup.configure(SparkSession.builder()).master("local[1]")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    try {
      PipelineModel model = PipelineModel.load(args[0]);
      model.transform(spark.read().parquet(args[1])).select("id", "prediction", "probability")
          .write().parquet(args[2]);
    } finally {
      spark.stop();
    }
  }
}
