package io.sparkdnn.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory that one run at a time may write, such as a {@code checkpoint.dir}: the
 * file {@value #FILE} in it, created exclusively, names the process that holds it (a
 * {@link WriterMarker}); {@link #close} removes it.
 *
 * <p>A lock whose process is known to be gone (this host, that process id no longer running, or
 * running since another time, or the host rebooted) is taken over, so that a scheduler's retry
 * after a crash or {@code kill -9} needs nothing done by hand. Of several runs taking over the same
 * dead lock, one wins: each first creates {@value #FILE}{@code .takeover-HASH} exclusively (HASH of
 * the dead lock's text). A lock held by a process on another host cannot be checked from here: it
 * is refused, and the message says which file to delete once that run is known to be gone; so is a
 * lock that names no process (empty or cut off: being written right now, or its writer died then).
 */
public final class DirectoryLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);
  /** The lock file's name; the underscore keeps Spark and Hadoop input formats from reading it as data. */
  public static final String FILE = "_spark-dnn.lock";
  private static final String TAKEOVER = FILE + ".takeover-";
  private static final int ATTEMPTS = 5;

  private final FileSystem fs;
  private final Path file;
  private final String text;

  private DirectoryLock(FileSystem fs, Path file, String text) {
    this.fs = fs;
    this.file = file;
    this.text = text;
  }

  /**
   * Locks {@code dir} (creating it) for this process.
   *
   * @param kind what the holder is doing, recorded in the lock: {@code training}
   * @param display how messages name the directory, with its key: {@code /ckpt (checkpoint.dir)}
   * @param remedy what a run that is refused should do: {@code give each run its own checkpoint.dir}
   * @throws LockedException when a running process, here or possibly on another host, holds it
   * @throws IOException when the lock cannot be read or written
   */
  public static DirectoryLock acquire(FileSystem fs, Path dir, String kind, String display, String remedy)
      throws IOException {
    Path file = new Path(dir, FILE);
    String mine = WriterMarker.ofThisProcess(kind).text();
    try {
      Directories.create(fs, dir);
      String held = null;
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        if (ExclusiveFiles.create(fs, file, mine.getBytes(StandardCharsets.UTF_8))) {
          return new DirectoryLock(fs, file, mine);
        }
        held = read(fs, file);
        if (held == null) {
          continue; // released between our create and our read
        }
        WriterMarker holder = WriterMarker.parse(held);
        if (holder == null) { // a run that is writing it right now, or one that died in that moment
          throw new LockedException(display + " is locked by " + shown(file) + ", which does not name its run "
              + "yet: a run is starting there right now, or one died while starting; " + remedy + ", or, if no "
              + "other run is starting, delete " + shown(file));
        }
        if (holder.liveness() != WriterMarker.Liveness.DEAD) {
          throw new LockedException(refusal(display, holder, file, remedy));
        }
        if (takeOver(fs, file, held, mine, display)) {
          return new DirectoryLock(fs, file, mine);
        }
      }
      throw new LockedException(display + " is locked by " + shown(file) + ", which changed " + ATTEMPTS
          + " times while this run tried to take it; " + remedy);
    } catch (FSError e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static String refusal(String display, WriterMarker holder, Path file, String remedy) {
    return holder.liveness() == WriterMarker.Liveness.ALIVE
        ? display + " is in use by another run right now (" + holder.describe() + "); " + remedy
            + ", or wait until that run has finished"
        : display + " is in use by a run on another host (" + holder.describe() + "), which cannot be checked "
            + "from here; " + remedy + ", or, once that run is known to have ended, delete " + shown(file);
  }

  /** Replaces the dead lock {@code dead} by {@code mine}; false when the lock changed meanwhile. */
  private static boolean takeOver(FileSystem fs, Path file, String dead, String mine, String display)
      throws IOException {
    Path claim = new Path(file.getParent(), TAKEOVER + ExclusiveFiles.shortHash(dead));
    if (!ExclusiveFiles.create(fs, claim, mine.getBytes(StandardCharsets.UTF_8))) {
      return false; // another run is taking this dead lock over; the caller reads the lock again
    }
    try {
      if (!dead.equals(read(fs, file))) {
        return false;
      }
      LOG.info("{}: taking over the lock of a run that is no longer running ({})", display,
          WriterMarker.parse(dead).describe());
      fs.delete(file, false);
      return ExclusiveFiles.create(fs, file, mine.getBytes(StandardCharsets.UTF_8));
    } finally {
      fs.delete(claim, false);
    }
  }

  /** Removes the lock if it is still this one (not deleted by hand and taken by another run meanwhile). */
  @Override
  public void close() {
    try {
      if (text.equals(read(fs, file))) {
        fs.delete(file, false);
      }
    } catch (IOException | FSError e) {
      LOG.warn("could not remove the lock {}: {}; the next run takes it over, as its process will have ended",
          file, Causes.firstLine(e));
    }
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /** How messages show {@code path}: a local one as a plain path, ready to paste into a shell. */
  public static String shown(Path path) {
    return "file".equals(path.toUri().getScheme()) ? path.toUri().getPath() : path.toString();
  }

  /** The file's text, or null when there is none. */
  private static String read(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.FileNotFoundException e) {
      return null;
    }
  }

  /** Another run holds the directory. */
  public static final class LockedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    LockedException(String message) {
      super(message);
    }
  }
}
