package io.sparkdnn.train;

import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training checkpoints in a directory on any Hadoop filesystem: {@code epoch-NNNNNN.ckpt} files
 * holding the {@link TrainingState} (weights, optimiser state, epoch — which is all the RNG state,
 * since randomness derives from the seed and epoch — learning-rate scale, early-stopping
 * bookkeeping) and the per-epoch metrics so far.
 *
 * <p>Each file is written to a temporary name and renamed into place, carries a magic number,
 * format version, the fingerprint of the configuration that wrote it, and a CRC-32 of everything:
 * a file cut off mid-write, damaged, or written by another configuration is never used.
 *
 * <pre>
 *   magic "DNNC" (int32) | version (int32) | fingerprint (UTF) | epoch (int32)
 *   | metrics (int32 count, UTF each) | state length (int32) | state bytes | CRC-32 (int64)
 * </pre>
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final int MAGIC = 0x444E4E43; // "DNNC"
  private static final int VERSION = 1;
  private static final String SUFFIX = ".ckpt";

  private final FileSystem fs;
  private final Path dir;
  private final String fingerprint;
  private final int keep;

  /** What a checkpoint restores: the state and the metrics records of the epochs it covers. */
  public static final class Restored {
    public final TrainingState state;
    public final List<EpochMetrics> metrics;
    public final String file;

    Restored(TrainingState state, List<EpochMetrics> metrics, String file) {
      this.state = state;
      this.metrics = metrics;
      this.file = file;
    }
  }

  /**
   * @param fingerprint identifies the configuration and data; checkpoints of another are refused
   * @param keep how many of the newest checkpoints to keep
   */
  public Checkpoints(String dir, String fingerprint, int keep, Configuration conf) {
    try {
      Path path = new Path(dir);
      this.fs = path.getFileSystem(conf);
      this.fs.setWriteChecksum(false);
      this.dir = fs.makeQualified(path);
      this.fingerprint = fingerprint;
      this.keep = Math.max(1, keep);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use checkpoint.dir " + dir + ": " + e.getMessage(), e);
    }
  }

  public String dir() {
    return dir.toString();
  }

  /** Writes the state after {@code state.epochsDone()} epochs, then prunes old checkpoints. */
  public void write(TrainingState state, List<EpochMetrics> metrics) {
    try {
      ByteArrayOutputStream stateBytes = new ByteArrayOutputStream();
      state.write(new DataOutputStream(stateBytes));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(stateBytes.size() + 4096);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(fingerprint);
      out.writeInt(state.epochsDone());
      out.writeInt(metrics.size());
      for (EpochMetrics m : metrics) {
        byte[] utf = m.toJsonLine().getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf.length);
        out.write(utf);
      }
      out.writeInt(stateBytes.size());
      stateBytes.writeTo(out);
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeLong(crc.getValue());
      out.flush();
      if (!fs.exists(dir)) {
        fs.mkdirs(dir);
      }
      Path target = new Path(dir, String.format("epoch-%06d%s", state.epochsDone(), SUFFIX));
      Path temp = new Path(dir, "." + target.getName() + ".tmp");
      try (OutputStream o = fs.create(temp, true)) {
        bytes.writeTo(o);
      }
      if (fs.exists(target)) {
        fs.delete(target, false);
      }
      if (!fs.rename(temp, target)) {
        throw new IOException("rename " + temp + " → " + target + " failed");
      }
      prune();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint to " + dir + " (checkpoint.dir): "
          + e.getMessage(), e);
    }
  }

  /** The newest valid checkpoint of this configuration, or null when there is none. */
  public Restored latest() {
    for (FileStatus file : files()) {
      try {
        return read(file.getPath());
      } catch (IOException | RuntimeException e) {
        LOG.warn("skipping checkpoint {}: {}", file.getPath(), e.getMessage());
      }
    }
    return null;
  }

  /** Deletes every checkpoint (after the model they led to is written). */
  public void clear() {
    try {
      for (FileStatus file : files()) {
        fs.delete(file.getPath(), false);
      }
    } catch (IOException e) {
      LOG.warn("could not delete checkpoints in {}: {}", dir, e.getMessage());
    }
  }

  private Restored read(Path path) throws IOException {
    byte[] bytes;
    try (InputStream in = fs.open(path)) {
      bytes = in.readAllBytes();
    }
    if (bytes.length < 16) {
      throw new IOException("truncated (" + bytes.length + " bytes)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 8);
    long stored = new DataInputStream(new ByteArrayInputStream(bytes, bytes.length - 8, 8)).readLong();
    if (stored != crc.getValue()) {
      throw new IOException("checksum mismatch: cut off mid-write or damaged");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8));
    if (in.readInt() != MAGIC) {
      throw new IOException("not a spark-dnn checkpoint");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("checkpoint format " + version + " (this spark-dnn reads " + VERSION + ")");
    }
    String writtenBy = in.readUTF();
    if (!writtenBy.equals(fingerprint)) {
      throw new IOException("written by a different configuration or data (" + writtenBy + "); this run is "
          + fingerprint + " — use another checkpoint.dir or delete it");
    }
    in.readInt();
    int count = in.readInt();
    List<EpochMetrics> metrics = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] utf = new byte[in.readInt()];
      in.readFully(utf);
      metrics.add(EpochMetrics.fromJson(Json.parse(new String(utf, StandardCharsets.UTF_8), "checkpoint metrics")));
    }
    byte[] state = new byte[in.readInt()];
    in.readFully(state);
    return new Restored(TrainingState.read(new DataInputStream(new ByteArrayInputStream(state))), metrics,
        path.toString());
  }

  /** Checkpoint files, newest first. */
  private List<FileStatus> files() {
    try {
      if (!fs.exists(dir)) {
        return List.of();
      }
      FileStatus[] all = fs.listStatus(dir, p -> p.getName().startsWith("epoch-") && p.getName().endsWith(SUFFIX));
      List<FileStatus> list = new ArrayList<>(Arrays.asList(all));
      list.sort(Comparator.comparing((FileStatus f) -> f.getPath().getName()).reversed());
      return list;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoint.dir " + dir + ": " + e.getMessage(), e);
    }
  }

  private void prune() throws IOException {
    List<FileStatus> files = files();
    for (int i = keep; i < files.size(); i++) {
      fs.delete(files.get(i).getPath(), false);
    }
  }
}
