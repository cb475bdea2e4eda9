package io.sparkdnn.files;

/**
 * Foreign text as a part of one of our messages. Messages are one line (the command line reports a
 * failure as one {@code error:} line), but libraries put more on further lines: Jackson the source
 * and position, Typesafe Config the origin, Spark a query plan. Embedded whole, a cause's second
 * line would cut off everything after it — the remedy — when the line is reported, so only its
 * first line is taken; text read from data or files (a label, a line) has its control characters
 * escaped.
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

  /**
   * {@code text} with its control characters written as escapes (a line break as backslash n, a
   * tab as backslash t, others as backslash u and four hex digits), so that text from the data
   * stays on the line of the message it is in, and cannot start a line of its own.
   */
  public static String escaped(String text) {
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        if (sb == null) {
          sb = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        sb.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : String.format("\\u%04x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? text : sb.toString();
  }
}
