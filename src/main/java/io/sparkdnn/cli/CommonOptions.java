package io.sparkdnn.cli;

import io.sparkdnn.job.ConfigLoader;
import io.sparkdnn.job.JobConfig;
import java.io.File;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command takes. */
final class CommonOptions {
  @Option(names = "--conf", paramLabel = "FILE", description = "Job configuration (HOCON); defaults: conf/defaults.conf")
  File conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one key, e.g. --set training.epochs=5 (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--debug", description = "Print stack traces with errors")
  boolean debug;

  /** The command this is mixed into: its output writer is where results go (tests capture it). */
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  PrintWriter out() {
    return command.commandLine().getOut();
  }

  /** The job file and --set overrides, loaded and checked. */
  JobConfig config() {
    return ConfigLoader.load(conf, overrides);
  }
}
