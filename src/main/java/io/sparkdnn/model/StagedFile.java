package io.sparkdnn.model;

import io.sparkdnn.files.Causes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes one file (an exported model) on any Hadoop filesystem so that no reader ever sees half of
 * it: the bytes go to a hidden file beside the target ({@code .NAME.staging-UUID}), which is renamed
 * into place when complete. An existing target is replaced only when allowed, and stays in place
 * until the new file is complete.
 */
public final class StagedFile {
  private StagedFile() {}

  /**
   * Writes {@code bytes} to {@code path}, creating its parent directories.
   *
   * @param key the setting that named the path, for messages (e.g. "export.output")
   * @param overwriteHint how to allow replacing an existing file, for the message (e.g. "set
   *     export.overwrite = true (--overwrite)")
   * @throws IllegalStateException when {@code path} exists and {@code overwrite} is false, or is a
   *     directory
   * @throws UncheckedIOException when the filesystem fails; the target is then untouched and the
   *     staging file removed
   */
  public static void write(String path, byte[] bytes, boolean overwrite, Configuration conf, String key,
      String overwriteHint) {
    Path target = new Path(path);
    FileSystem fs;
    try {
      fs = target.getFileSystem(conf);
      target = fs.makeQualified(target);
      checkTarget(fs, target, path, overwrite, key, overwriteHint);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + key + " " + path + ": " + Causes.firstLine(e), e);
    }
    Path parent = target.getParent();
    Path staging = new Path(parent, "." + target.getName() + ".staging-" + UUID.randomUUID());
    try {
      fs.setWriteChecksum(false);
      io.sparkdnn.files.Directories.create(fs, parent);
      try (FSDataOutputStream out = fs.create(staging, false)) {
        ((OutputStream) out).write(bytes);
      }
      // Checked again: another writer may have put a file there meanwhile.
      checkTarget(fs, target, path, overwrite, key, overwriteHint);
      if (fs.exists(target)) {
        Path old = new Path(parent, "." + target.getName() + ".old-" + UUID.randomUUID());
        rename(fs, target, old);
        try {
          rename(fs, staging, target);
        } catch (IOException e) {
          rename(fs, old, target);
          throw e;
        }
        fs.delete(old, false);
      } else {
        rename(fs, staging, target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + key + " " + path + ": " + Causes.firstLine(e), e);
    } finally {
      try {
        fs.delete(staging, false);
      } catch (IOException e) {
        // best effort: a hidden staging file is never read as the output
      }
    }
  }

  /**
   * Refuses, before any work is done, what {@link #write} would refuse: {@code path} is a directory,
   * or exists and {@code overwrite} is false.
   *
   * @throws IllegalStateException as {@link #write} does
   * @throws UncheckedIOException when the filesystem cannot be asked
   */
  public static void check(String path, boolean overwrite, Configuration conf, String key, String overwriteHint) {
    Path target = new Path(path);
    try {
      FileSystem fs = target.getFileSystem(conf);
      checkTarget(fs, fs.makeQualified(target), path, overwrite, key, overwriteHint);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + key + " " + path + ": " + Causes.firstLine(e), e);
    }
  }

  private static void checkTarget(FileSystem fs, Path target, String path, boolean overwrite, String key,
      String overwriteHint) throws IOException {
    if (!fs.exists(target)) {
      return;
    }
    if (fs.getFileStatus(target).isDirectory()) {
      throw new IllegalStateException(key + " " + path + " is a directory; give the path of a file to write "
          + "(a new name inside that directory, for example)");
    }
    if (!overwrite) {
      throw new IllegalStateException(key + " " + path + " already exists; " + overwriteHint
          + ", or choose another path");
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " → " + to + " failed");
    }
  }
}
