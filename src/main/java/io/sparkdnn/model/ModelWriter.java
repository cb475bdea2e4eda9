package io.sparkdnn.model;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a model directory so that no reader ever sees half of one: everything goes into a hidden
 * staging directory beside the target ({@code .NAME.staging-UUID}), which is renamed into place
 * only when complete. Works on local paths and any Hadoop filesystem.
 *
 * <p>Lifecycle: {@link #open} before training (fails fast if the target exists and overwriting
 * is off), {@link #writeMetrics} after every epoch, then {@link #commit} or {@link #abort}.
 */
public final class ModelWriter implements AutoCloseable {
  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private final boolean overwrite;
  private boolean done;

  private ModelWriter(FileSystem fs, Path target, Path staging, boolean overwrite) {
    this.fs = fs;
    this.target = target;
    this.staging = staging;
    this.overwrite = overwrite;
  }

  public static ModelWriter open(String path, boolean overwrite, Configuration conf, String configKey) {
    try {
      Path target = new Path(path);
      FileSystem fs = target.getFileSystem(conf);
      fs.setWriteChecksum(false);
      target = fs.makeQualified(target);
      if (fs.exists(target) && !overwrite) {
        throw new IllegalStateException("a model already exists at " + path + " (" + configKey
            + "); choose another path or set model.overwrite = true");
      }
      Path parent = target.getParent();
      if (parent != null && !fs.exists(parent) && !fs.mkdirs(parent)) {
        throw new IOException("cannot create " + parent);
      }
      Path staging = new Path(parent, "." + target.getName() + ".staging-" + UUID.randomUUID());
      if (!fs.mkdirs(staging)) {
        throw new IOException("cannot create " + staging);
      }
      return new ModelWriter(fs, target, staging, overwrite);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the model directory " + path + ": " + e.getMessage(), e);
    }
  }

  /** Rewrites metrics.jsonl (via a temporary file) with one JSON line per epoch so far. */
  public void writeMetrics(List<String> epochs) {
    StringBuilder sb = new StringBuilder();
    try {
      for (String record : epochs) {
        sb.append(record).append('\n');
      }
      replace(new Path(staging, ModelFormat.METRICS), sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + ModelFormat.METRICS + ": " + e.getMessage(), e);
    }
  }

  /** Adds a file to the model directory (e.g. report.html), written before {@link #commit}. */
  public void writeFile(String name, byte[] bytes) {
    try {
      replace(new Path(staging, name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + name + ": " + e.getMessage(), e);
    }
  }

  /** Writes metadata and weights, then moves the directory into place. */
  public void commit(DnnModel model) {
    try {
      write(new Path(staging, ModelFormat.WEIGHTS), ModelFormat.weights(model.weights()));
      write(new Path(staging, ModelFormat.METADATA), ModelFormat.metadata(model));
      if (fs.exists(target)) {
        if (!overwrite) {
          throw new IllegalStateException("a model appeared at " + target + " while training; the new "
              + "model was not written");
        }
        Path old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
        rename(target, old);
        try {
          rename(staging, target);
        } catch (IOException e) {
          rename(old, target);
          throw e;
        }
        fs.delete(old, true);
      } else {
        rename(staging, target);
      }
      done = true;
    } catch (IOException e) {
      abort();
      throw new UncheckedIOException("cannot write the model to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the staging directory; the target is untouched. */
  public void abort() {
    if (done) {
      return;
    }
    done = true;
    try {
      fs.delete(staging, true);
    } catch (IOException e) {
      // best effort: a stale hidden staging directory is never read as a model
    }
  }

  @Override
  public void close() {
    abort();
  }

  public String target() {
    return target.toString();
  }

  private void replace(Path path, byte[] bytes) throws IOException {
    Path temp = new Path(path.getParent(), "." + path.getName() + ".tmp");
    write(temp, bytes);
    if (fs.exists(path)) {
      fs.delete(path, false);
    }
    rename(temp, path);
  }

  private void write(Path path, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs.create(path, true)) {
      ((OutputStream) out).write(bytes);
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " → " + to + " failed");
    }
  }
}
