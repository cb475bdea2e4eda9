package io.sparkdnn.model;

import io.sparkdnn.files.Causes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a model directory from the local filesystem with java.nio alone: no Spark and no Hadoop
 * classes are touched, so a JVM service can load models with the engine, this package and Jackson
 * on its classpath (see {@link io.sparkdnn.serve.Scorer}). The same format and checks as
 * {@link ModelReader}, which reads from any Hadoop filesystem.
 */
public final class ModelFiles {
  private ModelFiles() {}

  /**
   * The model in {@code dir} (metadata.json and weights.bin, as {@link ModelWriter} wrote them).
   *
   * @throws ModelFormatException when {@code dir} does not exist, is a file, lacks one of the two
   *     files, or a file is not a spark-dnn model file or is damaged (the message names the file)
   * @throws UncheckedIOException when a file exists but cannot be read
   */
  public static DnnModel read(Path dir) {
    String where = dir.toString();
    if (!Files.exists(dir)) {
      throw ModelFormatException.absent("no model at " + where);
    }
    if (!Files.isDirectory(dir)) {
      throw new ModelFormatException(where + " is a file; a model is a directory (with "
          + ModelFormat.METADATA + " and " + ModelFormat.WEIGHTS + ")");
    }
    Path metadata = dir.resolve(ModelFormat.METADATA);
    Path weights = dir.resolve(ModelFormat.WEIGHTS);
    for (Path p : new Path[] {metadata, weights}) {
      if (!Files.isRegularFile(p)) {
        throw ModelFormatException.missing(where + " is not a complete spark-dnn model: " + p.getFileName()
            + " is missing", p.equals(weights) || Files.isRegularFile(weights));
      }
    }
    try {
      return ModelFormat.parse(Files.readAllBytes(metadata), Files.readAllBytes(weights), where);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model at " + where + ": " + Causes.firstLine(e), e);
    }
  }
}
