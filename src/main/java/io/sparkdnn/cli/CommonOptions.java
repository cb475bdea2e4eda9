package io.sparkdnn.cli;

import io.sparkdnn.job.ConfigException;
import io.sparkdnn.job.ConfigLoader;
import io.sparkdnn.job.JobConfig;
import java.io.File;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command takes. */
final class CommonOptions {
  @Option(names = "--conf", paramLabel = "FILE", description = "Job configuration (HOCON); defaults: conf/defaults.conf")
  File conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", converter = KeyEqualsValue.class,
      description = "Override one key, e.g. --set training.epochs=5 (repeatable)")
  List<String> overrides = new ArrayList<>();

  /** A --set value without "=" is a mistyped option: refused while parsing, exit status 2. */
  static final class KeyEqualsValue implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      int eq = value.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.TypeConversionException("expected KEY=VALUE, e.g. --set training.epochs=5, found '"
            + value + "'");
      }
      return value;
    }
  }

  @Option(names = "--debug", description = "Print stack traces with errors")
  boolean debug;

  /** The command this is mixed into: its output writer is where results go (tests capture it). */
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  PrintWriter out() {
    return command.commandLine().getOut();
  }

  /**
   * Adds an option's value as an override of {@code key} (the option is a shorthand for it), quoted
   * as a HOCON string so that any path or id is taken as it is. Null (the option not given) adds
   * nothing.
   *
   * @throws ConfigException when the value is empty or blank: in a scheduled job that is an unset
   *     variable ({@code --run-id "$RUN_ID"}), which must not quietly mean "no run id" or "no store"
   */
  void shorthand(String option, String key, String value) {
    if (value == null) {
      return;
    }
    if (value.isBlank()) {
      throw new ConfigException(option + " is empty (" + key + "); give it a value, or leave the option out");
    }
    overrides.add(key + "=" + com.typesafe.config.ConfigUtil.quoteString(value));
  }

  /** The job file and --set overrides, loaded and checked. */
  JobConfig config() {
    return ConfigLoader.load(conf, overrides);
  }
}
