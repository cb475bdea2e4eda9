package io.sparkdnn.job;

import io.sparkdnn.files.Ownership;
import io.sparkdnn.files.StagedDirectory;
import io.sparkdnn.files.WriteFailures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A command's result files as one output directory (any Hadoop filesystem), as predict's
 * predictions are: written into a staging directory and renamed into place whole, or not at all.
 * An existing directory is replaced only when the same command wrote it (its writer marker says
 * so) and overwriting was asked for; any other directory is refused, so a user's files are never
 * mixed with the results or replaced by them. Commands {@link #stage} before they compute, so
 * that a refusal costs no work.
 */
final class OutputFiles {
  private OutputFiles() {}

  /**
   * The staging directory for {@code directory}, after checking that what is there may be replaced
   * (see {@link StagedDirectory#create}); closing it without {@link #write} removes it.
   *
   * @param key the setting that named the directory, e.g. "importance.output"
   * @throws IllegalStateException when {@code directory} is a file, a directory this command did
   *     not write, or one it wrote while overwrite is off
   * @throws UncheckedIOException when the filesystem fails
   */
  static StagedDirectory stage(String directory, Ownership ownership, boolean overwrite, Configuration conf,
      String key) {
    return StagedDirectory.create(directory, conf, ownership, overwrite, key, key.replace(".output", ".overwrite"));
  }

  /**
   * Writes {@code files} (name → bytes) into {@code staged} and moves it into place.
   *
   * @throws UncheckedIOException when the filesystem fails (the old output, if any, stays)
   */
  static void write(StagedDirectory staged, Map<String, byte[]> files, Configuration conf) {
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path file = new Path(staged.path(), f.getKey());
      try {
        FileSystem fs = file.getFileSystem(conf);
        fs.setWriteChecksum(false); // no hidden .crc beside each result file, as StagedFile and ModelWriter
        try (FSDataOutputStream out = fs.create(file, false)) {
          out.write(f.getValue());
        }
      } catch (IOException | org.apache.hadoop.fs.FSError e) {
        throw WriteFailures.of(f.getKey() + " of", staged.display(), e);
      }
    }
    staged.commit();
  }
}
