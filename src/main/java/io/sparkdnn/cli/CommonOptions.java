package io.sparkdnn.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
  @Option(names = "--conf", paramLabel = "FILE", description = "Job configuration (HOCON); defaults: conf/defaults.conf")
  File conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one key, e.g. --set training.epochs=5 (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--debug", description = "Print stack traces with errors")
  boolean debug;

  Settings settings() {
    return ConfigLoader.load(conf, overrides);
  }
}
