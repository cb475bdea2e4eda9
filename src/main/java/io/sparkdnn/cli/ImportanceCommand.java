package io.sparkdnn.cli;

import io.sparkdnn.job.ImportanceJob;
import io.sparkdnn.job.JobConfig;
import io.sparkdnn.job.SparkSessions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Permutation feature importance: {@code dnn importance --model DIR --input PATH [--output DIR]
 * [--overwrite]} (shorthands for importance.model, importance.input.path, importance.output,
 * importance.overwrite). Prints the ranking; the output directory gets importance.json,
 * importance.csv and report.html.
 */
@Command(name = "importance", description = "Permutation feature importance of a model (importance.model) on "
    + "labelled data (importance.input): print the ranking; write importance.json, .csv and report.html to "
    + "importance.output.")
final class ImportanceCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Option(names = "--model", paramLabel = "DIR", description = "Model directory (importance.model)")
  String model;

  @Option(names = "--input", paramLabel = "PATH", description = "Labelled data (importance.input.path)")
  String input;

  @Option(names = "--output", paramLabel = "DIR", description = "Directory for the results (importance.output)")
  String output;

  @Option(names = "--overwrite", description = "Replace result files there (importance.overwrite)")
  boolean overwrite;

  @Override
  public Integer call() {
    options.shorthand("--model", "importance.model", model);
    options.shorthand("--input", "importance.input.path", input);
    options.shorthand("--output", "importance.output", output);
    if (overwrite) {
      options.overrides.add("importance.overwrite=true");
    }
    JobConfig config = options.config();
    ImportanceJob job = new ImportanceJob(config);
    try (SparkSessions.Session session = SparkSessions.open(config.spark(), config.blas())) {
      ImportanceJob.Result result = job.run(session.spark());
      options.out().println(ImportanceJob.table(result.importance(), 20, 5));
      if (result.output() != null) {
        options.out().println("written to " + result.output() + " (importance.json, importance.csv, report.html)");
      }
      return 0;
    }
  }
}
