package io.sparkdnn.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.Locale;

/**
 * A failure of the filesystem in words a user can act on: what happened, to which path, what to do.
 * The command line's error line and the Spark ML API's messages both use it.
 */
public final class FileFailures {
  private FileFailures() {}

  /**
   * A full disk, a read-only filesystem or a missing permission anywhere in the cause chain (Hadoop's
   * local filesystem throws an Error, FSError, for the first): what happened, to which path, what to
   * do. Null when the failure is something else.
   */
  public static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String text = String.valueOf(t.getMessage());
      String lower = text.toLowerCase(Locale.ROOT);
      String path = t instanceof FileSystemException ? ((FileSystemException) t).getFile() : null;
      String where = path != null ? path : pathIn(text);
      for (Throwable o = e; where == null && o != null && o != t; o = o.getCause()) {
        where = pathIn(String.valueOf(o.getMessage()));
      }
      if (lower.contains("no space left on device") || lower.contains("disk quota exceeded")) {
        return "no space left on the device" + at(where) + "; free some space or write elsewhere"
            + context(e, t);
      }
      if (t instanceof ReadOnlyFileSystemException || lower.contains("read-only file system")) {
        return "the filesystem is read-only" + at(where) + "; write to another path" + context(e, t);
      }
      if (t instanceof AccessDeniedException || lower.contains("permission denied")
          || t.getClass().getName().endsWith("AccessControlException")) {
        return "permission denied" + at(where) + "; choose a path you can write (or read), or fix its permissions"
            + context(e, t);
      }
      if (lower.contains("operation not permitted")) { // EPERM: e.g. an immutable directory, or root squashed
        return "the operation is not permitted" + at(where) + "; choose a path you can write, or fix its permissions "
            + "or attributes" + context(e, t);
      }
      if (t.getClass().getName().endsWith("ParentNotDirectoryException") || lower.contains("not a directory")) {
        return "a file stands where a directory is needed" + at(fileInTheWay(where)) + "; choose another path"
            + context(e, t);
      }
      if (t instanceof NoSuchFileException) {
        return "no such file or directory" + at(where) + context(e, t);
      }
    }
    return null;
  }

  /** The project's own message around a low-level cause, e.g. "cannot write the model to X: …". */
  private static String context(Throwable outer, Throwable cause) {
    // (the cause itself too when it is our own wrapper, whose message says what failed, then why)
    for (Throwable t = outer; t != null && (t != cause || t instanceof UncheckedIOException); t = t.getCause()) {
      if (t instanceof UncheckedIOException || t instanceof IOException && t.getClass() == IOException.class) {
        String m = Causes.firstLine(t);
        int colon = m.indexOf(':');
        return " (" + (colon > 0 ? m.substring(0, colon) : m) + ")";
      }
      if (t == cause) {
        break;
      }
    }
    return "";
  }

  /**
   * The file that stands in the way of {@code path} (the path named in the failure, which lies
   * below it), when that is a local path; else {@code path} as it is.
   */
  private static String fileInTheWay(String path) {
    if (path == null) {
      return null;
    }
    try {
      java.nio.file.Path local = java.nio.file.Path.of(path.replaceFirst("^file:", ""));
      for (java.nio.file.Path p = local; p != null; p = p.getParent()) {
        if (java.nio.file.Files.isRegularFile(p)) {
          return p.toString();
        }
      }
    } catch (java.nio.file.InvalidPathException e) {
      // not a local path (hdfs://, s3a://): name it as the failure did
    }
    return path;
  }

  private static String at(String path) {
    return path == null ? "" : " at " + path;
  }

  /**
   * The first absolute path or URI in a message, or null; not the tail of a relative path ("dd/ff"
   * holds no absolute path "/ff").
   */
  private static String pathIn(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("(?<![^\\s'\"(=])((?:file:|hdfs://|s3a?://)?/[^\\s:'\"()]+)").matcher(text);
    return m.find() ? m.group(1) : null;
  }
}
