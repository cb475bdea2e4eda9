package io.sparkdnn.model;

import io.sparkdnn.files.Causes;
import io.sparkdnn.files.StagedDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads a model directory written by {@link ModelWriter}; every problem names the file. */
public final class ModelReader {
  private ModelReader() {}

  /**
   * Reads the model at {@code path}, after putting right what an interrupted write left there
   * ({@link StagedDirectory#repair}: a replacement cut off between its two renames gets the
   * previous model back; staging directories of dead writers are deleted).
   *
   * @param configKey the key {@code path} came from, named in messages
   * @throws ModelFormatException when there is no model, or it is incomplete or damaged
   * @throws UncheckedIOException when the filesystem fails
   */
  public static DnnModel read(String path, Configuration conf, String configKey) {
    try {
      Path dir = new Path(path);
      FileSystem fs = dir.getFileSystem(conf);
      StagedDirectory.repair(fs, fs.makeQualified(dir));
      if (!fs.exists(dir)) {
        throw ModelFormatException.absent("no model at " + path + " (" + configKey + ")");
      }
      if (!fs.getFileStatus(dir).isDirectory()) {
        throw new ModelFormatException(path + " (" + configKey + ") is a file; a model is a directory");
      }
      Path metadata = new Path(dir, ModelFormat.METADATA);
      Path weights = new Path(dir, ModelFormat.WEIGHTS);
      for (Path p : new Path[] {metadata, weights}) {
        if (!fs.exists(p)) {
          throw ModelFormatException.missing(path + " is not a complete spark-dnn model: " + p.getName()
              + " is missing", p.equals(weights) || fs.exists(weights));
        }
      }
      return ModelFormat.parse(readAll(fs, metadata), readAll(fs, weights), path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model at " + path + ": " + Causes.firstLine(e), e);
    }
  }

  private static byte[] readAll(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }
}
