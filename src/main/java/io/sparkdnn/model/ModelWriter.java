package io.sparkdnn.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkdnn.files.Ownership;
import io.sparkdnn.files.StagedDirectory;
import io.sparkdnn.files.WriteFailures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a model directory so that no reader ever sees half of one and no other directory is
 * lost: everything goes into a hidden staging directory beside the target, which replaces it only
 * when complete, by the recoverable swap of {@link StagedDirectory}. An existing directory is
 * replaced only when it is a spark-dnn model ({@link #MODELS}) and overwriting is on. Works on
 * local paths and any Hadoop filesystem.
 *
 * <p>Lifecycle: {@link #open} before training (fails fast when the target may not be replaced),
 * {@link #writeMetrics} after every epoch, then {@link #commit} or {@link #abort}.
 */
public final class ModelWriter implements AutoCloseable {
  /** The key that allows replacing a model, named in messages. */
  static final String OVERWRITE_KEY = "model.overwrite";

  /**
   * A directory is a spark-dnn model, and may be replaced, when its metadata.json says
   * {@code "format": "spark-dnn-model"} (models of every format version say so).
   */
  public static final Ownership MODELS = new Ownership() {
    @Override
    public String kind() {
      return "model";
    }

    @Override
    public String what() {
      return "a spark-dnn model";
    }

    @Override
    public String whyNotOurs(FileSystem fs, Path dir) throws IOException {
      Path metadata = new Path(dir, ModelFormat.METADATA);
      if (!fs.exists(metadata)) {
        return "it has no " + ModelFormat.METADATA;
      }
      JsonNode root;
      try (InputStream in = fs.open(metadata)) {
        root = ModelFormat.JSON.readTree(in);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return "its " + ModelFormat.METADATA + " is not JSON";
      }
      return root != null && ModelFormat.FORMAT.equals(root.path("format").asText()) ? null
          : "its " + ModelFormat.METADATA + " does not say \"format\": \"" + ModelFormat.FORMAT + "\"";
    }
  };

  private final StagedDirectory dir;
  private final FileSystem fs;
  private final Path staging;

  private ModelWriter(StagedDirectory dir) {
    this.dir = dir;
    this.fs = dir.fileSystem();
    this.staging = dir.path();
  }

  /**
   * Repairs what an interrupted earlier write left at {@code path}, checks that it may be
   * replaced, and opens a staging directory beside it.
   *
   * @param configKey the key {@code path} came from, named in messages
   * @throws IllegalStateException when {@code path} holds something other than a spark-dnn model
   *     (never replaced), or a model while {@code overwrite} is off
   * @throws java.io.UncheckedIOException when the filesystem fails; the message names the path
   */
  public static ModelWriter open(String path, boolean overwrite, Configuration conf, String configKey) {
    try {
      new Path(path).getFileSystem(conf).setWriteChecksum(false); // no .crc files beside the model's own checksums
    } catch (IOException e) {
      // StagedDirectory.create reports it, naming the path
    }
    return new ModelWriter(StagedDirectory.create(path, conf, MODELS, overwrite, configKey, OVERWRITE_KEY));
  }

  /**
   * Rewrites metrics.jsonl (via a temporary file) with one JSON line per epoch so far.
   *
   * @throws java.io.UncheckedIOException when it cannot be written (full disk, no permission)
   */
  public void writeMetrics(List<String> epochs) {
    StringBuilder sb = new StringBuilder();
    for (String record : epochs) {
      sb.append(record).append('\n');
    }
    writeFile(ModelFormat.METRICS, sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Adds a file to the model directory (e.g. report.html), written before {@link #commit}.
   *
   * @throws java.io.UncheckedIOException when it cannot be written (full disk, no permission)
   */
  public void writeFile(String name, byte[] bytes) {
    Path path = new Path(staging, name);
    Path temp = new Path(staging, "." + name + ".tmp");
    try {
      write(temp, bytes);
      if (fs.exists(path)) {
        fs.delete(path, false);
      }
      if (!fs.rename(temp, path)) {
        throw new IOException("rename " + temp + " → " + path + " failed");
      }
    } catch (IOException | FSError e) {
      deleteQuietly(temp);
      throw WriteFailures.of(name + " of the model", dir.display(), e, dir.elsewhere());
    }
  }

  /**
   * Writes metadata and weights, then swaps the directory into place.
   *
   * @throws IllegalStateException when something that may not be replaced appeared at the target
   * @throws java.io.UncheckedIOException when writing or renaming fails; the target is then as
   *     it was, and the staging directory is deleted
   */
  public void commit(DnnModel model) {
    try {
      write(new Path(staging, ModelFormat.WEIGHTS), ModelFormat.weights(model.weights()));
      write(new Path(staging, ModelFormat.METADATA), ModelFormat.metadata(model));
    } catch (IOException | FSError e) {
      abort();
      throw WriteFailures.of("the model to", dir.display(), e, dir.elsewhere());
    }
    dir.commit();
  }

  /** Deletes the staging directory; the target is untouched. */
  public void abort() {
    dir.abort();
  }

  @Override
  public void close() {
    abort();
  }

  /** The target directory, qualified (with its filesystem's scheme). */
  public String target() {
    return dir.target().toString();
  }

  private void write(Path path, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs.create(path, true)) {
      ((OutputStream) out).write(bytes);
    }
  }

  private void deleteQuietly(Path path) {
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      // inside the staging directory, which abort() deletes as a whole
    }
  }
}
