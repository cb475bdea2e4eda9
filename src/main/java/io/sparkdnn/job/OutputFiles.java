package io.sparkdnn.job;

import io.sparkdnn.model.StagedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a command's result files into a directory (any Hadoop filesystem): every file via a
 * staging file renamed into place, and nothing at all when one of them exists already and
 * overwriting was not asked for.
 */
final class OutputFiles {
  private OutputFiles() {}

  /**
   * @param key the setting that named the directory, e.g. "importance.output"
   * @throws IllegalStateException when a file exists and {@code overwrite} is false
   */
  static void write(String directory, Map<String, byte[]> files, boolean overwrite, Configuration conf, String key) {
    String hint = "set " + key.replace(".output", ".overwrite") + " = true (--overwrite)";
    try {
      Path dir = new Path(directory);
      FileSystem fs = dir.getFileSystem(conf);
      if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
        throw new IllegalStateException(key + " " + directory + " is a file; give a directory");
      }
      if (!overwrite) {
        for (String name : files.keySet()) {
          if (fs.exists(new Path(dir, name))) {
            throw new IllegalStateException(key + " " + directory + " already holds " + name + "; " + hint
                + ", or choose another directory");
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + key + " " + directory + ": " + e.getMessage(), e);
    }
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      StagedFile.write(new Path(new Path(directory), f.getKey()).toString(), f.getValue(), overwrite, conf, key, hint);
    }
  }
}
