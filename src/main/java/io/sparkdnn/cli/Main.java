package io.sparkdnn.cli;

import io.sparkdnn.data.DataException;
import io.sparkdnn.job.ConfigException;
import io.sparkdnn.data.Failures;
import io.sparkdnn.model.ModelFormatException;
import io.sparkdnn.model.Versions;
import io.sparkdnn.train.DivergenceException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code dnn train|predict|evaluate|prepare|export|list|show|promote|rollback|prune|unlock
 * [--conf FILE] [--set key=value]...}. Exit status 0 on success, 1 on any error (one line on stderr
 * starting with "error:"), 2 on a usage error, 3 when a store run kept the old production version.
 */
@Command(
    name = "dnn",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Train and use fully connected neural networks on Apache Spark.",
    subcommands = {TrainCommand.class, PredictCommand.class, EvaluateCommand.class, PrepareCommand.class,
        ExportCommand.class,
        StoreCommands.ListCommand.class, StoreCommands.ShowCommand.class, StoreCommands.PromoteCommand.class,
        StoreCommands.RollbackCommand.class, StoreCommands.PruneCommand.class, StoreCommands.UnlockCommand.class})
public final class Main implements Runnable {
  public static final int ERROR = 1;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command and returns its exit status. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs a command with its output and errors sent to the given writers (tests, embedding). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main()).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean debug = false;
      for (String arg : args) {
        debug |= arg.equals("--debug");
      }
      PrintWriter errors = commandLine.getErr();
      errors.println("error: " + message(e));
      if (debug) {
        e.printStackTrace(errors);
      }
      errors.flush();
      return ERROR;
    });
    return cli.execute(args);
  }

  /** One readable line for an exception: our own messages as they are, others with their cause. */
  static String message(Throwable e) {
    if (e instanceof ConfigException || e instanceof DataException || e instanceof ModelFormatException
        || e instanceof DivergenceException || e instanceof IllegalArgumentException
        || e instanceof IllegalStateException || e instanceof UncheckedIOException) {
      return oneLine(e.getMessage());
    }
    DataException data = Failures.findDataException(e);
    if (data != null) {
      return oneLine(data.getMessage());
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return oneLine(root.getClass().getSimpleName() + ": " + root.getMessage()) + " (--debug shows the stack trace)";
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int newline = s.indexOf('\n');
    return newline >= 0 ? s.substring(0, newline) : s;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return Versions.all().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toArray(String[]::new);
    }
  }
}
