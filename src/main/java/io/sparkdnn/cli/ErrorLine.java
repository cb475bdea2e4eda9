package io.sparkdnn.cli;

import io.sparkdnn.data.BadRowException;
import io.sparkdnn.data.DataException;
import io.sparkdnn.data.Failures;
import io.sparkdnn.files.FileFailures;
import io.sparkdnn.job.ConfigException;
import io.sparkdnn.model.ModelFormatException;
import io.sparkdnn.train.DivergenceException;
import java.io.UncheckedIOException;

/**
 * The one line a failure is reported as, after {@code error: }: the project's own messages as they
 * are (they name the key, column, row or path and what to do); a failure of the filesystem as what
 * happened to which path and what to do about it; anything else as its root cause.
 */
final class ErrorLine {
  private ErrorLine() {}

  /**
   * What to do about a bad row, after the message that names it: the row is the user's to fix, and
   * the command line's one switch for such rows is this key.
   */
  static final String BAD_ROW_REMEDY = "; fix or remove the row, or set data.bad-rows = skip to pass over such rows";

  static String of(Throwable e) {
    if (e instanceof ConfigException || e instanceof ModelFormatException || e instanceof DivergenceException) {
      return firstLine(e.getMessage());
    }
    DataException data = e instanceof DataException ? (DataException) e : Failures.findDataException(e);
    if (data != null) {
      return firstLine(data.getMessage()) + (data instanceof BadRowException ? BAD_ROW_REMEDY : "");
    }
    String io = FileFailures.describe(e);
    if (io != null) {
      return io;
    }
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
        || e instanceof UncheckedIOException) {
      return firstLine(e.getMessage());
    }
    String memory = outOfMemory(e);
    if (memory != null) {
      return memory;
    }
    Throwable root = root(e);
    return firstLine(root.getClass().getSimpleName() + ": " + root.getMessage()) + " (--debug shows the stack trace)";
  }

  /**
   * A JVM that ran out of memory (in this JVM, or in a task whose failure Spark reports by its text),
   * as what happened and which settings give it more; null for other failures.
   */
  static String outOfMemory(Throwable e) {
    String marker = OutOfMemoryError.class.getName();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage();
      String what = t instanceof OutOfMemoryError ? message
          : message.contains(marker) ? message.substring(message.indexOf(marker) + marker.length()).replaceFirst("^: ", "")
          : null;
      if (what != null) {
        return "the JVM ran out of memory (" + (what.isBlank() ? "OutOfMemoryError" : firstLine(what).strip())
            + "); give it more: DNN_DRIVER_MEMORY=8g scripts/dnn … (4g by default), or with spark-submit "
            + "--driver-memory (and --executor-memory on a cluster)";
      }
    }
    return null;
  }

  private static Throwable root(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int newline = s.indexOf('\n');
    return newline >= 0 ? s.substring(0, newline) : s;
  }
}
