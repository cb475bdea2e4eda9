package io.sparkdnn.files;

/**
 * A cause's message as a part of one of ours. Messages are one line (the command line reports a
 * failure as one {@code error:} line), but libraries put more on further lines: Jackson the source
 * and position, Typesafe Config the origin, Spark a query plan. Embedded whole, a cause's second
 * line would cut off everything after it — the remedy — when the line is reported, so only its
 * first line is taken.
 */
public final class Causes {
  private Causes() {}

  /**
   * The first non-blank line of {@code cause}'s message, stripped; its class's simple name when the
   * message is null or blank.
   */
  public static String firstLine(Throwable cause) {
    String message = cause.getMessage();
    if (message != null) {
      for (String line : message.split("\n")) {
        if (!line.isBlank()) {
          return line.strip();
        }
      }
    }
    return cause.getClass().getSimpleName();
  }
}
