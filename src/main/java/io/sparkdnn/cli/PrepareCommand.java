package io.sparkdnn.cli;

import io.sparkdnn.job.JobConfig;
import io.sparkdnn.job.PrepareJob;
import io.sparkdnn.job.SparkSessions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Converts a public dataset to parquet once, for training. */
@Command(name = "prepare", description = "Write a dataset (prepare.dataset: fashion-mnist or synthetic) under prepare.output.")
final class PrepareCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    JobConfig config = options.config();
    PrepareJob job = new PrepareJob(config);
    try (SparkSessions.Session session = SparkSessions.open(config.spark())) {
      options.out().println(job.run(session.spark()));
      return 0;
    }
  }
}
