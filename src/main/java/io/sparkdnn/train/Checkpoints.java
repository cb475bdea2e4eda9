package io.sparkdnn.train;

import io.sparkdnn.files.Causes;
import io.sparkdnn.files.DirectoryLock;
import io.sparkdnn.files.WriteFailures;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
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
 * format version, the identity of the run that wrote it, and a CRC-32 of everything: a file cut
 * off mid-write, damaged, or written for other data or settings is never used. A write that fails
 * (full disk, no permission) deletes its temporary file and says where and what to do.
 *
 * <p>The identity is a list of named parts — every training and data setting, each input's file
 * listing (sizes and modification times), the packed row counts, the warm start — so that a
 * checkpoint of new data at the same path is recognised, and the log says which part differed.
 * A checkpoint.dir belongs to one training job: once this run has written its own first
 * checkpoint, those of other data or settings in it are deleted.
 *
 * <pre>
 *   magic "DNNC" (int32) | version (int32) | identity (UTF: "key=value" lines) | epoch (int32)
 *   | metrics (int32 count, UTF each) | state length (int32) | state bytes | CRC-32 (int64)
 * </pre>
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final int MAGIC = 0x444E4E43; // "DNNC"
  private static final int VERSION = 1;
  private static final String SUFFIX = ".ckpt";
  /** Longer identity values are stored as a prefix and a hash. */
  private static final int MAX_PART = 1000;

  private final FileSystem fs;
  private final Path dir;
  private final Map<String, String> identity;
  private final String encodedIdentity;
  private final int keep;
  /** Whether this run has written a checkpoint yet (and so owns the directory). */
  private boolean written;

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
   * @param identity what this run is, as named parts (settings, data listings, row counts):
   *     checkpoints of any other identity are not resumed. Keys and values must not contain
   *     line breaks (they are replaced by spaces).
   * @param keep how many of the newest checkpoints to keep
   * @throws UncheckedIOException when the directory's filesystem cannot be used
   */
  public Checkpoints(String dir, Map<String, String> identity, int keep, Configuration conf) {
    try {
      Path path = new Path(dir);
      this.fs = path.getFileSystem(conf);
      this.fs.setWriteChecksum(false);
      this.dir = fs.makeQualified(path);
      this.identity = new LinkedHashMap<>();
      identity.forEach((k, v) -> this.identity.put(oneLine(k), compact(oneLine(v))));
      this.encodedIdentity = encode(this.identity);
      this.keep = Math.max(1, keep);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use checkpoint.dir " + dir + ": " + Causes.firstLine(e), e);
    }
  }

  public String dir() {
    return dir.toString();
  }

  /**
   * Locks checkpoint.dir {@code dir} for one run ({@link DirectoryLock}) until the lock is closed: a
   * second run given the same directory is refused while the first lives, rather than each deleting
   * the other's checkpoints as checkpoints "of other data or settings", or resuming from them.
   *
   * @throws DirectoryLock.LockedException when another run holds it
   * @throws UncheckedIOException when the lock cannot be read or written
   */
  public static DirectoryLock lock(String dir, Configuration conf) {
    try {
      Path path = new Path(dir);
      FileSystem fs = path.getFileSystem(conf);
      return lock(fs, fs.makeQualified(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use checkpoint.dir " + dir + ": " + Causes.firstLine(e), e);
    }
  }

  private static DirectoryLock lock(FileSystem fs, Path dir) {
    String display = DirectoryLock.shown(dir) + " (checkpoint.dir)";
    try {
      return DirectoryLock.acquire(fs, dir, "training", display, "give each run its own checkpoint.dir");
    } catch (IOException e) {
      throw WriteFailures.of("the lock of", display, e, "choose another checkpoint.dir");
    }
  }

  /**
   * Writes the state after {@code state.epochsDone()} epochs, then prunes old checkpoints (and,
   * on this run's first write, those of other data or settings).
   *
   * @throws UncheckedIOException when the checkpoint cannot be written; its temporary file is
   *     deleted, and the message names the file and what to do
   */
  public void write(TrainingState state, List<EpochMetrics> metrics) {
    byte[] bytes;
    try {
      bytes = serialize(state, metrics);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialise the training state: " + Causes.firstLine(e), e);
    }
    Path target = new Path(dir, String.format("epoch-%06d%s", state.epochsDone(), SUFFIX));
    Path temp = new Path(dir, "." + target.getName() + ".tmp");
    try {
      io.sparkdnn.files.Directories.create(fs, dir);
      try (OutputStream o = fs.create(temp, true)) {
        o.write(bytes);
      }
      if (fs.exists(target)) {
        fs.delete(target, false);
      }
      if (!fs.rename(temp, target)) {
        throw new IOException("rename " + temp + " → " + target + " failed");
      }
    } catch (IOException | FSError e) {
      deleteQuietly(temp);
      throw WriteFailures.of("the checkpoint of epoch " + state.epochsDone() + " to", target + " (checkpoint.dir)", e,
          "set checkpoint.dir elsewhere (or leave it unset to train without checkpoints)");
    }
    boolean first = !written;
    written = true;
    try {
      prune(first);
    } catch (IOException e) {
      LOG.warn("could not delete old checkpoints in {}: {}", dir, e.getMessage());
    }
  }

  private byte[] serialize(TrainingState state, List<EpochMetrics> metrics) throws IOException {
    ByteArrayOutputStream stateBytes = new ByteArrayOutputStream();
    state.write(new DataOutputStream(stateBytes));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(stateBytes.size() + 4096);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeUTF(encodedIdentity);
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
    return bytes.toByteArray();
  }

  /**
   * The newest valid checkpoint of this run's identity, or null when there is none. When the
   * newest checkpoint was written for other data or settings, one line in the log says so and
   * which parts differed.
   */
  public Restored latest() {
    String other = null;
    for (FileStatus file : files()) {
      try {
        Map<String, String> writtenFor = readIdentity(file.getPath());
        if (!writtenFor.equals(identity)) {
          if (other == null) {
            other = file.getPath().getName() + ", was written for other data or settings: "
                + differences(writtenFor, identity);
          }
          continue;
        }
        Restored restored = read(file.getPath());
        if (other != null) {
          LOG.info("checkpoint.dir {}: skipped newer checkpoints of another run ({})", dir, other);
        }
        return restored;
      } catch (IOException | RuntimeException e) {
        LOG.warn("skipping checkpoint {}: {}", file.getPath(), e.getMessage());
      }
    }
    if (other != null) {
      LOG.warn("not resuming from checkpoint.dir {}: its newest checkpoint, {}; training starts afresh", dir, other);
    }
    return null;
  }

  /** Deletes every checkpoint (after the model they led to is written). */
  public void clear() {
    try {
      if (!fs.exists(dir)) {
        return;
      }
      // Training has ended and released the directory: another run may hold it by now.
      try (DirectoryLock lock = lock(fs, dir)) {
        for (FileStatus file : files()) {
          fs.delete(file.getPath(), false);
        }
        deleteTemporaries();
      }
    } catch (DirectoryLock.LockedException e) {
      LOG.info("left the checkpoints in place: {}", e.getMessage());
    } catch (IOException | UncheckedIOException e) {
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
    Map<String, String> writtenFor = decode(in.readUTF());
    if (!writtenFor.equals(identity)) {
      throw new IOException("written for other data or settings: " + differences(writtenFor, identity));
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
      throw new UncheckedIOException("cannot list checkpoint.dir " + dir + ": " + Causes.firstLine(e), e);
    }
  }

  /**
   * Keeps this run's newest {@code keep} checkpoints; on its first write also deletes what no run
   * of this job can use: checkpoints of other data or settings, damaged ones, and temporary files
   * that a writer killed mid-write left.
   */
  private void prune(boolean first) throws IOException {
    if (first) {
      deleteTemporaries();
    }
    List<FileStatus> own = new ArrayList<>();
    int others = 0;
    for (FileStatus file : files()) {
      boolean ours;
      try {
        ours = readIdentity(file.getPath()).equals(identity);
      } catch (IOException | RuntimeException e) {
        ours = false;
      }
      if (ours) {
        own.add(file);
      } else if (first) {
        fs.delete(file.getPath(), false);
        others++;
      }
    }
    if (others > 0) {
      LOG.info("deleted {} checkpoints of other data or settings from checkpoint.dir {}, now that this run has its "
          + "own", others, dir);
    }
    for (int i = keep; i < own.size(); i++) {
      fs.delete(own.get(i).getPath(), false);
    }
  }

  /** Deletes {@code .epoch-NNNNNN.ckpt.tmp} files: left by a writer that was killed mid-write. */
  private void deleteTemporaries() throws IOException {
    if (!fs.exists(dir)) {
      return;
    }
    for (FileStatus temp : fs.listStatus(dir, p -> p.getName().startsWith(".epoch-")
        && p.getName().endsWith(SUFFIX + ".tmp"))) {
      fs.delete(temp.getPath(), false);
      LOG.info("deleted {}, a checkpoint that a stopped run did not finish writing", temp.getPath());
    }
  }

  /** The identity in a checkpoint's header, without reading the rest of the file. */
  private Map<String, String> readIdentity(Path path) throws IOException {
    try (DataInputStream in = new DataInputStream(fs.open(path))) {
      if (in.readInt() != MAGIC) {
        throw new IOException("not a spark-dnn checkpoint");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IOException("checkpoint format " + version + " (this spark-dnn reads " + VERSION + ")");
      }
      return decode(in.readUTF());
    }
  }

  private void deleteQuietly(Path path) {
    try {
      fs.delete(path, false);
    } catch (IOException | FSError e) {
      LOG.warn("could not delete the unfinished checkpoint {}: {}", path, e.getMessage());
    }
  }

  private static String oneLine(String s) {
    return Objects.toString(s, "").replace('\n', ' ').replace('\r', ' ');
  }

  /**
   * A long value (a list of thousands of feature columns) as its start and a hash, so that the
   * identity stays well within the 64 KiB a checkpoint header holds.
   */
  private static String compact(String value) {
    if (value.length() <= MAX_PART) {
      return value;
    }
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        hex.append(String.format("%02x", hash[i]));
      }
      return value.substring(0, 200) + "… (" + value.length() + " characters, SHA-256 " + hex + ")";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String encode(Map<String, String> identity) {
    StringBuilder sb = new StringBuilder();
    identity.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return sb.toString();
  }

  /** The parts of an encoded identity; one written by an older spark-dnn is one unnamed part. */
  static Map<String, String> decode(String encoded) {
    Map<String, String> parts = new LinkedHashMap<>();
    for (String line : encoded.split("\n")) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        parts.put("identity", line);
      } else if (!line.isEmpty()) {
        parts.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return parts;
  }

  /**
   * Which parts differ, for the log: {@code the training data changed (was …; now …),
   * training.epochs was 5, now 8}; at most four, then how many more.
   */
  static String differences(Map<String, String> was, Map<String, String> now) {
    if (was.containsKey("identity") && was.size() == 1) {
      return "it was written by an older spark-dnn, which identified runs differently";
    }
    Set<String> keys = new LinkedHashSet<>(now.keySet());
    keys.addAll(was.keySet());
    List<String> differ = new ArrayList<>();
    for (String key : keys) {
      String a = was.get(key);
      String b = now.get(key);
      if (Objects.equals(a, b)) {
        continue;
      }
      if (key.endsWith(" data") || key.equals("rows")) {
        differ.add("the " + (key.equals("rows") ? "row counts" : key) + " changed (was " + (a == null ? "none" : a)
            + "; now " + (b == null ? "none" : b) + ")");
      } else {
        differ.add(key + " was " + (a == null ? "not set" : a) + ", now " + (b == null ? "not set" : b));
      }
    }
    if (differ.size() > 4) {
      int more = differ.size() - 4;
      differ = new ArrayList<>(differ.subList(0, 4));
      differ.add("and " + more + " more");
    }
    return String.join(", ", differ);
  }
}
