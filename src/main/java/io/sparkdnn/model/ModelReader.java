package io.sparkdnn.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads a model directory written by {@link ModelWriter}; every problem names the file. */
public final class ModelReader {
  private ModelReader() {}

  public static DnnModel read(String path, Configuration conf, String configKey) {
    try {
      Path dir = new Path(path);
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        throw new ModelFormatException("no model at " + path + " (" + configKey + ")");
      }
      if (!fs.getFileStatus(dir).isDirectory()) {
        throw new ModelFormatException(path + " (" + configKey + ") is a file; a model is a directory");
      }
      Path metadata = new Path(dir, ModelFormat.METADATA);
      Path weights = new Path(dir, ModelFormat.WEIGHTS);
      for (Path p : new Path[] {metadata, weights}) {
        if (!fs.exists(p)) {
          throw new ModelFormatException(path + " is not a complete spark-dnn model: " + p.getName()
              + " is missing");
        }
      }
      return ModelFormat.parse(readAll(fs, metadata), readAll(fs, weights), path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model at " + path + ": " + e.getMessage(), e);
    }
  }

  private static byte[] readAll(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }
}
