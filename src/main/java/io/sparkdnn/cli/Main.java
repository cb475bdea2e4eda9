package io.sparkdnn.cli;

import io.sparkdnn.model.Versions;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The command line: {@code dnn train|predict|evaluate|prepare|export|importance|lr-find|list|show|promote|rollback|prune|unlock
 * [--conf FILE] [--set key=value]...}. Exit status 0 on success, 1 on any error (one line on stderr
 * starting with "error:"), 2 on a usage error, 3 when a store run kept the old production version.
 */
@Command(
    name = "dnn",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT, // -h/--help and -V/--version on every subcommand too
    versionProvider = Main.VersionProvider.class,
    description = "Train and use fully connected neural networks on Apache Spark.",
    subcommands = {TrainCommand.class, PredictCommand.class, EvaluateCommand.class, PrepareCommand.class,
        ExportCommand.class, ImportanceCommand.class, LrFindCommand.class,
        StoreCommands.ListCommand.class, StoreCommands.ShowCommand.class, StoreCommands.PromoteCommand.class,
        StoreCommands.RollbackCommand.class, StoreCommands.PruneCommand.class, StoreCommands.UnlockCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {
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
    boolean debug = false;
    for (String arg : args) {
      debug |= arg.equals("--debug");
    }
    if (!debug) {
      QuietFailures.install();
    }
    boolean showTraces = debug;
    CommandLine cli = new CommandLine(new Main()).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine.getErr(), showTraces));
    cli.setParameterExceptionHandler(Main::usageError);
    try {
      return cli.execute(args);
    } catch (Error e) { // picocli passes Errors on; Hadoop's local filesystem throws FSError on a full disk
      return report(e, err, showTraces);
    }
  }

  /**
   * A mistyped command or option: one line, like every other error — what was not understood, the
   * nearest names picocli finds, and where the options are listed — instead of picocli's message
   * followed by the whole usage text. Exit status 2.
   */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine where = e.getCommandLine();
    String message = e.getMessage().strip().replaceAll("\\s*\n\\s*", " ");
    // picocli's sentences start with a capital ("Unknown option: '--x'"); ours, after "error: ", do not
    StringBuilder line = new StringBuilder("error: ").append(message.isEmpty() ? message
        : Character.toLowerCase(message.charAt(0)) + message.substring(1));
    if (e instanceof CommandLine.UnmatchedArgumentException) {
      CommandLine.UnmatchedArgumentException unmatched = (CommandLine.UnmatchedArgumentException) e;
      java.util.List<String> near = unmatched.getSuggestions();
      String first = unmatched.getUnmatched().isEmpty() ? "" : unmatched.getUnmatched().get(0);
      if (!first.startsWith("-") && !first.isEmpty()) {
        // picocli: "Unmatched argument at index 1: 'x'": a mistyped command, or a word where none is taken
        line.setLength(0);
        line.append("error: ").append(where.getSubcommands().isEmpty()
            ? "unexpected argument '" + first + "': " + where.getCommandSpec().qualifiedName() + " takes no such "
                + "argument (settings are given as --set key=value)"
            : "unknown command '" + first + "'");
      }
      if (near.isEmpty() && first.startsWith("-")) { // picocli's similarity misses swapped letters (--cnof)
        String nearest = io.sparkdnn.job.NearestName.of(first, where.getCommandSpec().optionsMap().keySet());
        near = nearest == null ? near : java.util.List.of(nearest);
      }
      if (!near.isEmpty()) {
        line.append("; did you mean ").append(String.join(" or ", near)).append('?');
      }
    }
    line.append(" (").append(where.getCommandSpec().qualifiedName()).append(" --help lists the ")
        .append(where.getSubcommands().isEmpty() ? "options" : "commands").append(')');
    where.getErr().println(line);
    where.getErr().flush();
    return where.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static int report(Throwable e, PrintWriter errors, boolean debug) {
    errors.println("error: " + ErrorLine.of(e));
    if (debug) {
      e.printStackTrace(errors);
    }
    errors.flush();
    return ERROR;
  }

  @Spec CommandSpec spec;

  /**
   * {@code dnn} alone: no command, so nothing was done — one error line naming the commands, and exit
   * status 2, as for a mistyped command, so that a script calling it without a command does not pass.
   */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("error: no command given; choose one of "
        + String.join(", ", spec.subcommands().keySet()) + " (dnn --help describes them)");
    return spec.exitCodeOnInvalidInput();
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return Versions.all().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toArray(String[]::new);
    }
  }
}
