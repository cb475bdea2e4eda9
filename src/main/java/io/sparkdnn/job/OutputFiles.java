package io.sparkdnn.job;

import io.sparkdnn.files.Causes;
import io.sparkdnn.model.StagedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a command's result files into a directory (any Hadoop filesystem): every file via a
 * staging file renamed into place, and nothing at all when one of them is refused (it exists and
 * overwriting was not asked for, or a directory stands where it goes). Commands {@link #check} the
 * files before they compute them, so that a refusal costs no work.
 */
final class OutputFiles {
  private OutputFiles() {}

  /**
   * Refuses, before any work is done, what {@link #write} would refuse: {@code directory} is a file;
   * one of the files {@code names} is a directory; or one exists and {@code overwrite} is false.
   *
   * @param key the setting that named the directory, e.g. "importance.output"
   * @throws IllegalStateException for any of these
   * @throws UncheckedIOException when the filesystem cannot be asked
   */
  static void check(String directory, Collection<String> names, boolean overwrite, Configuration conf, String key) {
    try {
      Path dir = new Path(directory);
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return;
      }
      if (!fs.getFileStatus(dir).isDirectory()) {
        throw new IllegalStateException(key + " " + directory + " is a file; give a directory");
      }
      for (String name : names) {
        Path file = new Path(dir, name);
        if (!fs.exists(file)) {
          continue;
        }
        if (fs.getFileStatus(file).isDirectory()) {
          throw new IllegalStateException(key + " " + directory + " holds a directory named " + name
              + " where the file " + name + " goes; move it away, or choose another directory");
        }
        if (!overwrite) {
          throw new IllegalStateException(key + " " + directory + " already holds " + name + "; "
              + overwriteHint(key) + ", or choose another directory");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + key + " " + directory + ": " + Causes.firstLine(e), e);
    }
  }

  /**
   * Writes {@code files} (name → bytes) into {@code directory}, after {@link #check}ing them all, so
   * that a refusal leaves every old file as it was.
   *
   * @param key the setting that named the directory, e.g. "importance.output"
   * @throws IllegalStateException as {@link #check} does
   * @throws UncheckedIOException when the filesystem fails
   */
  static void write(String directory, Map<String, byte[]> files, boolean overwrite, Configuration conf, String key) {
    check(directory, files.keySet(), overwrite, conf, key);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      StagedFile.write(new Path(new Path(directory), f.getKey()).toString(), f.getValue(), overwrite, conf, key,
          overwriteHint(key));
    }
  }

  private static String overwriteHint(String key) {
    return "set " + key.replace(".output", ".overwrite") + " = true (--overwrite)";
  }
}
