package io.sparkdnn.cli;

import io.sparkdnn.data.DataException;
import org.apache.spark.SparkThrowable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.message.Message;

/**
 * Keeps a user's mistake to the one {@code error:} line the command line prints. When a task fails
 * on bad data, Spark logs the failure itself — the executor's exception with a stack trace, the
 * block manager's "putting block failed", the task set's "aborting job" — before the driver sees
 * it: 30 to 300 lines saying what the error line says in one. This filter drops the log events
 * that carry (or quote) one of this project's data exceptions or Spark's failure to read an input
 * file, and the task-set lines that only repeat a failure; every other warning and error still
 * shows. {@code --debug} installs nothing.
 */
final class QuietFailures extends AbstractFilter {
  /**
   * Text that marks an event as a repeat: our exceptions quoted by Spark, and the block manager's
   * note that a block whose computation failed (on our exception) was never stored.
   */
  private static final String[] OURS = {"io.sparkdnn.data.BadRowException", "io.sparkdnn.data.DataException",
      "could not be removed as it was not found on disk or in memory"};
  private static boolean installed;

  private QuietFailures() {
    super(Result.DENY, Result.NEUTRAL);
  }

  /** Installs the filter once in this JVM's logging (a no-op when log4j-core is not the backend). */
  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    if (!(LogManager.getContext(false) instanceof LoggerContext)) {
      return;
    }
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().addFilter(new QuietFailures());
    context.updateLoggers();
    // "Lost task …" (with the exception's text) and "Task 0 in stage 5.0 failed; aborting job":
    // the error line says why, once.
    Configurator.setLevel("org.apache.spark.scheduler.TaskSetManager", Level.OFF);
    // "Job: …, Task: …, Task attempt … aborted.", logged without the exception when a task that
    // writes files (predict) fails on a bad row: the error line names the row.
    Configurator.setLevel("org.apache.spark.sql.execution.datasources.FileFormatWriter", Level.OFF);
  }

  private static Result decide(Throwable thrown, String text) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof DataException || unreadableFile(t)) {
        return Result.DENY;
      }
    }
    if (text != null) {
      for (String name : OURS) {
        if (text.contains(name)) {
          return Result.DENY;
        }
      }
    }
    return Result.NEUTRAL;
  }

  /**
   * Spark's failure to read an input file (a file that is not parquet, a truncated one, one gone
   * since it was listed): the driver reports it as the error line, with the file and the reader's
   * reason, so the task's stack trace only repeats it.
   */
  private static boolean unreadableFile(Throwable t) {
    String condition = t instanceof SparkThrowable s ? s.getCondition() : null;
    return condition != null && condition.startsWith("FAILED_READ_FILE");
  }

  @Override
  public Result filter(LogEvent event) {
    return decide(event.getThrown(), event.getMessage() == null ? null : event.getMessage().getFormattedMessage());
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, Message msg, Throwable t) {
    return decide(t, msg == null ? null : msg.getFormattedMessage());
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, Object msg, Throwable t) {
    return decide(t, msg == null ? null : String.valueOf(msg));
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, String msg, Object... params) {
    Throwable t = null;
    StringBuilder text = new StringBuilder(msg == null ? "" : msg);
    if (params != null) {
      for (Object p : params) {
        if (p instanceof Throwable) {
          t = (Throwable) p;
        }
        text.append(' ').append(p);
      }
    }
    return decide(t, text.toString());
  }

  @Override
  public String toString() {
    return "QuietFailures";
  }

  /** What the filter does with an event carrying {@code thrown} and {@code text} (for tests). */
  static Filter.Result check(Throwable thrown, String text) {
    return decide(thrown, text);
  }
}
