package io.sparkdnn.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Creating a file only if there is none, in one step that two processes cannot both win: the base of a lock. */
public final class ExclusiveFiles {
  private ExclusiveFiles() {}

  /**
   * Creates {@code target} holding {@code bytes}; false when it already exists.
   *
   * <p>For {@code file:} paths through {@code java.nio}'s {@code CREATE_NEW} (one {@code open} with
   * {@code O_EXCL}): Hadoop's local file system checks whether the file exists and then opens it
   * truncating, so two processes can both pass the check and both believe they created it. Other
   * file systems (HDFS, object stores with conditional writes) through Hadoop's
   * {@code create(path, false)}.
   *
   * @throws IOException when it cannot be created or written; a file cut off by a failed write is
   *     deleted
   */
  public static boolean create(FileSystem fs, Path target, byte[] bytes) throws IOException {
    OutputStream out;
    java.net.URI qualified = fs.makeQualified(target).toUri();
    if ("file".equals(qualified.getScheme())) {
      try {
        out = Files.newOutputStream(java.nio.file.Path.of(qualified),
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
    } else {
      try {
        out = fs.create(target, false);
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (IOException e) {
        if (fs.exists(target)) {
          return false; // file systems that report "exists" as a plain IOException
        }
        throw e;
      }
    }
    try (out) {
      out.write(bytes);
    } catch (IOException e) {
      try {
        fs.delete(target, false);
      } catch (IOException ignored) {
        // the caller reports the first failure
      }
      throw e;
    }
    return true;
  }

  /**
   * A short name for {@code text}: the first 12 bytes of its SHA-256, in hex. Names the claim on a
   * dead lock, so that runs taking over the same lock contend for the same claim file.
   */
  public static String shortHash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
