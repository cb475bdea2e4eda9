package io.sparkdnn.cli;

import java.util.LinkedHashMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
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
    if (store != null) {
      options.overrides.add("store.path=" + store);
    }
    if (name != null) {
      options.overrides.add("store.name=" + name);
    }
    if (runId != null) {
      options.overrides.add("store.run-id=" + runId);
    }
    if (force) {
      options.overrides.add("store.promote.force=true");
    }
    Settings s = options.settings();
    boolean withStore = s.optionalString("store.path") != null;
    if (!withStore && s.optionalString("store.name") != null) {
      throw new ConfigException("store.name (--name) is set but store.path (--store) is not");
    }
    TrainingRun run = withStore ? null : new TrainingRun(s);
    String modelPath = withStore ? null : s.string("model.path");
    try (Jobs.Session session = Jobs.session(s)) {
      SparkSession spark = session.spark;
      if (withStore) {
        return new StoreRun(s, options.out()).run(spark);
      }
      LinkedHashMap<String, String> facts = new LinkedHashMap<>();
      facts.put("model", modelPath);
      TrainingRun.Result result = run.run(spark, run.config, modelPath, s.bool("model.overwrite"),
          s.optionalString("model.warm-start"), facts, null);
      options.out().println(TrainingRun.summary(result));
      return 0;
    }
  }
}
