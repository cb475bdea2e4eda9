package io.sparkdnn.cli;

import io.sparkdnn.job.ConfigException;
import io.sparkdnn.job.JobConfig;
import io.sparkdnn.job.RetrainingRun;
import io.sparkdnn.job.SparkSessions;
import io.sparkdnn.job.TrainingRun;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains a network and writes a model directory (model.path) — or, with a store, a new version
 * that becomes production only if it passes the promotion gate. Exit status: 0 written (and, with
 * a store, promoted), 3 written but production kept, 1 failed.
 */
@Command(name = "train", description = {
    "Train a network and write the model directory (model.path).",
    "With --store and --name: write a new version to the store and promote it if it is no worse than "
        + "production (exit 0 promoted, 3 kept the old one, 1 failed)."})
final class TrainCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Option(names = "--store", paramLabel = "DIR", description = "Model store (store.path)")
  String store;

  @Option(names = "--name", paramLabel = "NAME", description = "Model name in the store (store.name)")
  String name;

  @Option(names = "--run-id", paramLabel = "ID", description = "Resume or skip a run with this id (store.run-id)")
  String runId;

  @Option(names = "--force-promote", description = "Promote whatever the comparison says (store.promote.force)")
  boolean force;

  @Override
  public Integer call() {
    options.shorthand("--store", "store.path", store);
    options.shorthand("--name", "store.name", name);
    options.shorthand("--run-id", "store.run-id", runId);
    if (force) {
      options.overrides.add("store.promote.force=true");
    }
    JobConfig config = options.config();
    boolean withStore = config.store().path() != null;
    if (!withStore && config.store().name() != null) {
      throw new ConfigException("store.name (--name) is set but store.path (--store) is not");
    }
    if (withStore) {
      RetrainingRun run = new RetrainingRun(config);
      try (SparkSessions.Session session = SparkSessions.open(config.spark(), config.blas())) {
        RetrainingRun.Outcome outcome = run.run(session.spark());
        if (outcome.trained() != null) {
          options.out().println(Summaries.training(outcome.trained()));
        }
        options.out().println(outcome.message());
        return outcome.exitCode();
      }
    }
    TrainingRun run = new TrainingRun(config);
    try (SparkSessions.Session session = SparkSessions.open(config.spark(), config.blas())) {
      options.out().println(Summaries.training(run.run(session.spark())));
      return 0;
    }
  }
}
