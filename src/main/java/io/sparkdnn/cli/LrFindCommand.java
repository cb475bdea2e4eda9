package io.sparkdnn.cli;

import io.sparkdnn.job.JobConfig;
import io.sparkdnn.job.LrFindJob;
import io.sparkdnn.job.SparkSessions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The learning-rate range test on a training job's data and network: {@code dnn lr-find --conf
 * JOB [--output DIR] [--overwrite]}. Prints one line with the suggested rate; the output directory
 * gets lr-find.csv, lr-find.json and report.html.
 */
@Command(name = "lr-find", description = "Learning-rate range test on the training data (data.train, network.*, "
    + "training.*): print the suggested training.optimizer.learning-rate; write lr-find.csv, .json and "
    + "report.html to lr-find.output.")
final class LrFindCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Option(names = "--output", paramLabel = "DIR", description = "Directory for the results (lr-find.output)")
  String output;

  @Option(names = "--overwrite", description = "Replace result files there (lr-find.overwrite)")
  boolean overwrite;

  @Override
  public Integer call() {
    options.shorthand("--output", "lr-find.output", output);
    if (overwrite) {
      options.overrides.add("lr-find.overwrite=true");
    }
    JobConfig config = options.config();
    LrFindJob job = new LrFindJob(config);
    try (SparkSessions.Session session = SparkSessions.open(config.spark(), config.blas())) {
      LrFindJob.Result result = job.run(session.spark());
      options.out().println(result.range().oneLine());
      options.out().println("train with it: --set training.optimizer.learning-rate="
          + String.format(java.util.Locale.ROOT, "%.3g", result.range().suggested()));
      if (result.output() != null) {
        options.out().println("written to " + result.output() + " (lr-find.csv, lr-find.json, report.html)");
      }
      return 0;
    }
  }
}
