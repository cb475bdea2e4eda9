package io.sparkdnn.cli;

import io.sparkdnn.job.EvaluateJob;
import io.sparkdnn.job.JobConfig;
import io.sparkdnn.job.SparkSessions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Evaluates a model on labelled data and prints the metrics as JSON. */
@Command(name = "evaluate", description = "Evaluate a model (evaluate.model) on labelled data (evaluate.input); print metrics JSON.")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    JobConfig config = options.config();
    EvaluateJob job = new EvaluateJob(config);
    try (SparkSessions.Session session = SparkSessions.open(config.spark(), config.blas())) {
      options.out().println(EvaluateJob.pretty(job.run(session.spark())));
      return 0;
    }
  }
}
