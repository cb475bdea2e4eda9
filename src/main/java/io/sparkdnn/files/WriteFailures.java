package io.sparkdnn.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.util.Locale;
import org.apache.hadoop.fs.FSError;

/**
 * Turns a failed write into one exception that says what could not be written where, why, and
 * what to do. Hadoop's local filesystem reports a full disk as {@link FSError}, an {@link Error};
 * every write site catches it alongside {@link IOException}, deletes what it half-wrote, and
 * throws this.
 */
public final class WriteFailures {
  private WriteFailures() {}

  /**
   * @param what what was being written, e.g. {@code the checkpoint}
   * @param path where
   * @param cause an {@link IOException} or {@link FSError} (any other throwable is described too)
   * @return an exception whose message reads {@code cannot write WHAT PATH: REASON; ADVICE}
   */
  public static UncheckedIOException of(String what, Object path, Throwable cause) {
    return of(what, path, cause, "write somewhere else");
  }

  /**
   * As {@link #of(String, Object, Throwable)}, with the way out named: {@code set checkpoint.dir
   * elsewhere}.
   */
  public static UncheckedIOException of(String what, Object path, Throwable cause, String elsewhere) {
    String reason = reason(cause);
    IOException io = cause instanceof IOException ? (IOException) cause : new IOException(reason, cause);
    return new UncheckedIOException("cannot write " + what + " " + path + ": " + reason + "; "
        + advice(cause, reason) + ", or " + elsewhere, io);
  }

  /** The innermost useful message: FSError wraps the IOException that says what happened. */
  static String reason(Throwable cause) {
    Throwable t = cause;
    if (t instanceof FSError && t.getCause() != null) {
      t = t.getCause();
    }
    String message = Causes.firstLine(t);
    if (t instanceof AccessDeniedException && !message.toLowerCase(Locale.ROOT).contains("denied")) {
      message = message + " (permission denied)";
    }
    return message;
  }

  private static String advice(Throwable cause, String reason) {
    String r = reason.toLowerCase(Locale.ROOT);
    if (r.contains("no space") || r.contains("quota") || r.contains("disk full")) {
      return "free space on that filesystem";
    }
    if (r.contains("read-only") || r.contains("permission") || r.contains("denied")
        || cause instanceof AccessDeniedException) {
      return "make the directory writable for this user";
    }
    return "check that the filesystem is reachable, writable and has free space";
  }
}
