package io.sparkdnn.files;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a directory that users see (a model, predictions) so that it is never half-written,
 * never lost, and never replaces a directory spark-dnn did not write — on a local disk or any
 * Hadoop filesystem whose rename of a directory is atomic (HDFS, local; not S3 without a
 * committer).
 *
 * <p>Everything is written into a hidden sibling, {@code .NAME.staging-ID}, holding a writer
 * marker ({@value WriterMarker#FILE}: host, process id and start). {@link #commit} then swaps it
 * in with two renames, TARGET → {@code .NAME.old-ID} and staging → TARGET, and deletes the old
 * copy. A process killed anywhere in between leaves a state that {@link #repair} — which every
 * reader and writer of TARGET runs first — puts right:
 *
 * <ul>
 *   <li>old copy present, TARGET missing: the swap was cut between its renames; the old copy is
 *       renamed back (the run that was replacing it failed, so the previous directory stays);
 *   <li>old copy and TARGET present: the swap completed; the old copy is deleted;
 *   <li>a staging directory whose writer is gone is deleted.
 * </ul>
 *
 * <p>When is a writer gone? Its marker names a host: on the same host (same name, same boot) the
 * writer is gone when no process with its id and start time runs. A marker from another host says
 * nothing about that host's processes, so there age decides: a staging directory is stale when
 * nothing directly in it has changed for {@link #STALE_AFTER} (a training run rewrites its
 * metrics after every epoch), and a swap is taken as cut off when its writer refreshed the marker,
 * just before the first rename, more than {@link #SWAP_TIMEOUT} ago. Ages compare the filesystem's
 * modification times with this machine's clock. A staging directory without a readable marker
 * (written by an older spark-dnn) is judged by age alone.
 *
 * <p>One writer per TARGET at a time is assumed (the model store holds a lock); a reader that runs
 * while a live writer is between its two renames leaves that state alone.
 */
public final class StagedDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StagedDirectory.class);
  /** A staging directory on another host unchanged this long is taken as abandoned. */
  public static final Duration STALE_AFTER = Duration.ofDays(7);
  /** A swap (two renames) by a writer on another host begun this long ago is taken as cut off. */
  public static final Duration SWAP_TIMEOUT = Duration.ofMinutes(10);
  private static final String STAGING = "staging-";
  private static final String OLD = "old-";

  private final FileSystem fs;
  private final Path target;
  private final String display;
  private final Path staging;
  private final String id;
  private final Ownership ownership;
  private final boolean overwrite;
  private final String key;
  private final String overwriteKey;
  private boolean done;

  private StagedDirectory(FileSystem fs, Path target, String display, Path staging, String id, Ownership ownership,
      boolean overwrite, String key, String overwriteKey) {
    this.fs = fs;
    this.target = target;
    this.display = display;
    this.staging = staging;
    this.id = id;
    this.ownership = ownership;
    this.overwrite = overwrite;
    this.key = key;
    this.overwriteKey = overwriteKey;
  }

  /**
   * Repairs what an interrupted earlier write left at {@code path}, checks that the directory
   * there (if any) may be replaced, and creates the staging directory to write into.
   *
   * @param path the directory to write, as the user gave it (messages quote it)
   * @param ownership which existing directories may be replaced
   * @param overwrite whether an existing directory of ours may be replaced
   * @param key the configuration key {@code path} came from, named in messages
   * @param overwriteKey the key that allows replacing, named in messages
   * @throws IllegalStateException when something exists at {@code path} that may not be replaced:
   *     a file, a directory that is not ours, or one of ours without {@code overwrite}
   * @throws UncheckedIOException when the filesystem fails; the message names the path
   */
  public static StagedDirectory create(String path, Configuration conf, Ownership ownership, boolean overwrite,
      String key, String overwriteKey) {
    FileSystem fs;
    Path target;
    try {
      target = new Path(path);
      fs = target.getFileSystem(conf);
      target = fs.makeQualified(target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use " + key + " " + path + ": " + Causes.firstLine(e), e);
    }
    repair(fs, target);
    checkNoLiveWriter(fs, target, path, key);
    String id = UUID.randomUUID().toString();
    Path staging = sibling(target, STAGING + id);
    StagedDirectory dir = new StagedDirectory(fs, target, path, staging, id, ownership, overwrite, key, overwriteKey);
    dir.checkReplaceable();
    try {
      Directories.create(fs, staging); // (and the target's parent, when missing)
      fs.setWriteChecksum(false); // no hidden .crc beside the marker (or the files written after it)
      WriterMarker.ofThisProcess(ownership.kind()).write(fs, staging);
    } catch (IOException | FSError e) {
      dir.abort();
      throw WriteFailures.of(ownership.what() + " to", path + " (" + key + ")", e, "choose another " + key);
    }
    return dir;
  }

  /** The staging directory: write everything here, then {@link #commit}. */
  public Path path() {
    return staging;
  }

  public FileSystem fileSystem() {
    return fs;
  }

  /** The target as the user gave it, with its configuration key: {@code /models/a (model.path)}. */
  public String display() {
    return display + " (" + key + ")";
  }

  /** What a failed write advises: {@code choose another model.path}. */
  public String elsewhere() {
    return "choose another " + key;
  }

  /** The target, qualified (with its filesystem's scheme). */
  public Path target() {
    return target;
  }

  /**
   * Puts the staging directory in place of the target, replacing the directory there (checked
   * again: it may have changed while this one was written). On failure the target is as before
   * and the staging directory is deleted.
   *
   * @throws IllegalStateException when a directory that may not be replaced appeared meanwhile
   * @throws UncheckedIOException when a rename fails
   */
  public void commit() {
    if (done) {
      throw new IllegalStateException("the staging directory of " + display + " was already committed or aborted");
    }
    try {
      checkReplaceable();
      WriterMarker.ofThisProcess(ownership.kind()).write(fs, staging); // dates the swap for SWAP_TIMEOUT
      if (fs.exists(target)) {
        Path old = sibling(target, OLD + id);
        rename(target, old);
        try {
          rename(staging, target);
        } catch (IOException | RuntimeException e) {
          try {
            rename(old, target);
          } catch (IOException | RuntimeException back) {
            e.addSuppressed(back); // the next repair puts the old copy back
          }
          throw e;
        }
        done = true;
        try {
          fs.delete(old, true);
        } catch (IOException e) {
          LOG.warn("could not delete {}, the replaced copy of {}: {}; the next run that uses it will", old, display,
              e.getMessage());
        }
      } else {
        rename(staging, target);
        done = true;
      }
    } catch (IOException | FSError e) {
      abort();
      throw WriteFailures.of(ownership.what() + " to", display(), e, elsewhere());
    } catch (RuntimeException e) {
      abort();
      throw e;
    }
  }

  /** Deletes the staging directory; the target is untouched. Does nothing after {@link #commit}. */
  public void abort() {
    if (done) {
      return;
    }
    done = true;
    try {
      fs.delete(staging, true);
    } catch (IOException e) {
      LOG.warn("could not delete the staging directory {}: {}; the next run that uses {} will", staging,
          e.getMessage(), display);
    }
  }

  @Override
  public void close() {
    abort();
  }

  /**
   * Refuses to start while a live process on this host is writing the same target (its staging
   * directory's marker says so): else both would write in full, and the later one learn only at its
   * commit that the path now exists, or, with overwrite, silently replace the other's result.
   * Writers on other hosts cannot be told alive from here and are not waited for.
   */
  private static void checkNoLiveWriter(FileSystem fs, Path target, String display, String key) {
    FileStatus[] stagings;
    try {
      stagings = fs.listStatus(target.getParent(), p -> p.getName().startsWith("." + target.getName() + "." + STAGING));
    } catch (IOException e) {
      return; // no parent yet (nothing is being written there), or not listable: the write itself will say
    }
    for (FileStatus staging : stagings) {
      WriterMarker marker = WriterMarker.read(fs, staging.getPath());
      if (marker != null && marker.liveness() == WriterMarker.Liveness.ALIVE) {
        throw new IllegalStateException(key + " " + display + " is being written by another run right now ("
            + marker.describe() + ", into " + staging.getPath().getName() + "); wait until it has finished, or "
            + "choose another " + key);
      }
    }
  }

  private void checkReplaceable() {
    FileStatus status;
    String why;
    try {
      status = statusOrNull(fs, target);
      if (status == null) {
        return;
      }
      if (status.isDirectory() && fs.listStatus(target).length == 0) {
        return; // an empty directory (made beforehand for the output): nothing in it to lose
      }
      why = status.isDirectory() ? ownership.whyNotOurs(fs, target) : "it is a file";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + key + " " + display + ": " + Causes.firstLine(e), e);
    }
    if (why != null) {
      throw new IllegalStateException(key + " " + display + " is not " + ownership.what() + " (" + why
          + "); spark-dnn replaces only what it wrote, even with " + overwriteKey
          + " = true: choose another path, or move that one away yourself");
    }
    if (!overwrite) {
      throw new IllegalStateException(key + " " + display + " already exists; set " + overwriteKey
          + " = true or choose another path");
    }
  }

  /**
   * Puts right what an interrupted write left beside {@code target}: restores the old copy of a
   * swap cut between its renames, deletes the old copy of a completed one, and deletes staging
   * directories whose writer is gone (see the class comment for when). Readers call it before
   * reading; a failure to clean up is logged, a failure to restore is thrown.
   *
   * @throws UncheckedIOException when the old copy cannot be renamed back
   */
  public static void repair(FileSystem fs, Path target) {
    Path parent = target.getParent();
    if (parent == null) {
      return;
    }
    String prefix = "." + target.getName() + ".";
    FileStatus[] siblings;
    boolean targetExists;
    try {
      siblings = fs.listStatus(parent, p -> p.getName().startsWith(prefix + STAGING)
          || p.getName().startsWith(prefix + OLD));
      targetExists = fs.exists(target);
    } catch (FileNotFoundException e) {
      return;
    } catch (IOException e) {
      LOG.warn("cannot look for leftovers of interrupted writes beside {}: {}", target, e.getMessage());
      return;
    }
    Map<String, FileStatus> stagings = new LinkedHashMap<>();
    List<FileStatus> olds = new ArrayList<>();
    for (FileStatus s : siblings) {
      String rest = s.getPath().getName().substring(prefix.length());
      if (rest.startsWith(STAGING)) {
        stagings.put(rest.substring(STAGING.length()), s);
      } else {
        olds.add(s);
      }
    }
    olds.sort(Comparator.comparingLong(FileStatus::getModificationTime).reversed());
    if (!targetExists && !olds.isEmpty()) {
      FileStatus old = olds.get(0);
      FileStatus staging = stagings.get(old.getPath().getName().substring(prefix.length() + OLD.length()));
      if (staging != null && swapInProgress(fs, staging.getPath())) {
        LOG.info("{} is being replaced right now (its previous copy is {}); leaving it to its writer", target,
            old.getPath());
        return;
      }
      try {
        if (!fs.rename(old.getPath(), target)) {
          throw new IOException("rename " + old.getPath() + " → " + target + " failed");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("replacing " + target + " was interrupted, and its previous copy could not "
            + "be put back: " + Causes.firstLine(e) + "; rename " + old.getPath() + " to " + target + " yourself", e);
      }
      LOG.warn("replacing {} was interrupted between its two renames: restored the previous copy from {}", target,
          old.getPath());
      olds.remove(0);
    }
    for (FileStatus old : olds) {
      // The target exists: this copy was replaced by it, and deleting it was all that was left to do.
      delete(fs, old.getPath(), "the replaced copy of " + target + " that an interrupted write left");
    }
    for (FileStatus staging : stagings.values()) {
      String why = staleBecause(fs, staging);
      if (why != null) {
        delete(fs, staging.getPath(), "a staging directory of " + target + " whose writer " + why);
      }
    }
  }

  /** Why the writer of a staging directory is gone, or null while it may still be writing. */
  private static String staleBecause(FileSystem fs, FileStatus staging) {
    WriterMarker marker = WriterMarker.read(fs, staging.getPath());
    if (marker != null) {
      switch (marker.liveness()) {
        case ALIVE:
          return null;
        case DEAD:
          return "(" + marker.describe() + ") is no longer running";
        default:
          break;
      }
    }
    long age = System.currentTimeMillis() - lastChange(fs, staging);
    if (age < STALE_AFTER.toMillis()) {
      return null;
    }
    return (marker == null ? "is unknown" : "(" + marker.describe() + ")") + " and which has not changed for "
        + Duration.ofMillis(age).toDays() + " days";
  }

  /** True while the staging directory's writer may still be between the two renames of its swap. */
  private static boolean swapInProgress(FileSystem fs, Path staging) {
    WriterMarker marker = WriterMarker.read(fs, staging);
    if (marker != null && marker.liveness() != WriterMarker.Liveness.UNKNOWN) {
      return marker.liveness() == WriterMarker.Liveness.ALIVE;
    }
    try {
      FileStatus status = statusOrNull(fs, new Path(staging, WriterMarker.FILE));
      long since = status != null ? status.getModificationTime() : fs.getFileStatus(staging).getModificationTime();
      return System.currentTimeMillis() - since < SWAP_TIMEOUT.toMillis();
    } catch (IOException e) {
      return true; // cannot tell: leave it
    }
  }

  /** The newest modification time of the directory and what is directly in it. */
  private static long lastChange(FileSystem fs, FileStatus dir) {
    long newest = dir.getModificationTime();
    try {
      for (FileStatus child : fs.listStatus(dir.getPath())) {
        newest = Math.max(newest, child.getModificationTime());
      }
    } catch (IOException e) {
      return System.currentTimeMillis(); // cannot tell: treat as fresh
    }
    return newest;
  }

  private static void delete(FileSystem fs, Path path, String what) {
    try {
      if (fs.delete(path, true)) {
        LOG.info("deleted {}: {}", what, path);
      }
    } catch (IOException e) {
      LOG.warn("could not delete {} ({}): {}", what, path, e.getMessage());
    }
  }

  private static FileStatus statusOrNull(FileSystem fs, Path path) throws IOException {
    try {
      return fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  private static Path sibling(Path target, String suffix) {
    return new Path(target.getParent(), "." + target.getName() + "." + suffix);
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " → " + to + " failed");
    }
  }
}
