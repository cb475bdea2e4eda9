package io.sparkdnn.cli;

import io.sparkdnn.job.JobConfig;
import io.sparkdnn.job.PredictJob;
import io.sparkdnn.job.SparkSessions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Scores a dataset with a model and writes the predictions. */
@Command(name = "predict", description = "Predict with a model (predict.model) on data (predict.input); write predict.output.")
final class PredictCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    JobConfig config = options.config();
    PredictJob job = new PredictJob(config);
    try (SparkSessions.Session session = SparkSessions.open(config.spark(), config.blas())) {
      String path = job.run(session.spark());
      options.out().println("predictions written to " + path + " (" + config.predict().outputFormat().token() + ")");
      return 0;
    }
  }
}
