package io.sparkdnn.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's file system for {@code file:} paths ({@link LocalFileSystem}, with its {@code .crc}
 * checksum files as before), except that permissions are set through {@code java.nio} rather than
 * by running {@code chmod} in a new process.
 *
 * <p>Why: without Hadoop's native library (libhadoop, which the Hadoop jars from Maven do not
 * carry), {@link RawLocalFileSystem#setPermission} runs {@code chmod} through
 * {@code org.apache.hadoop.util.Shell}, and Hadoop sets the permission of every file it creates and
 * every directory it makes. So each file written through Hadoop — by Spark's writers, or ours —
 * started a process ({@code jspawnhelper}, then {@code chmod}, found by searching {@code PATH}).
 * The main job rewrites {@code metrics.jsonl} after every epoch: under {@code strace} each rewrite
 * was one such process, and that step took 14–34 ms (median 20) of each ~0.5 s epoch, in which the
 * next round's tasks could not start; through this class, 3–13 ms (median 4.7).
 *
 * <p>Permissions that {@code java.nio} cannot express (the sticky bit), and file systems without
 * POSIX permissions, take Hadoop's own route. Failures are {@link IOException}s, as Hadoop's are.
 *
 * <p>Installed for {@code file:} by {@link #install} (command-line commands that start no
 * Spark session) and by {@code spark.hadoop.fs.file.impl} for a session with a local master. Not
 * on a cluster: there the executors' class loaders would have to find this class before Hadoop
 * loads it.
 */
public class PosixLocalFileSystem extends LocalFileSystem {
  /** The Hadoop setting that names the class for {@code file:} paths. */
  public static final String SETTING = "fs.file.impl";

  public PosixLocalFileSystem() {
    super(new Raw());
  }

  /**
   * Makes {@code conf} use this class for {@code file:} paths unless it names another one.
   *
   * @return {@code conf}
   */
  public static Configuration install(Configuration conf) {
    if (conf.get(SETTING) == null) {
      conf.set(SETTING, PosixLocalFileSystem.class.getName());
    }
    return conf;
  }

  /**
   * The Hadoop configuration for spark-dnn's own files — checkpoints, saved models — in a Spark
   * session whose Hadoop configuration is {@code session} and whose master is {@code master}: on a
   * local master a copy that writes {@code file:} paths through this class, else {@code session}
   * itself. For sessions spark-dnn did not start (a user's, for the Spark ML API): four fits with
   * {@code checkpointDir}, 20 epochs each, started 880 processes (a {@code chmod} per file and
   * directory of each checkpoint) and start 70 through this class ({@code strace -f -e execve}). The copy
   * turns off Hadoop's cache of file systems for {@code file:} (one instance per scheme, whatever the
   * configuration asks for), so each lookup makes a new instance: a few small objects.
   *
   * @param master the session's master, e.g. {@code local[2]}; only {@link #runsTasksHere} masters
   *     get the copy, since an executor's class loader would have to find this class first
   * @return {@code session} when it names a class for {@code file:} itself (a session spark-dnn
   *     started, or the user's choice) or the master is not local; otherwise a new configuration
   */
  public static Configuration forSession(Configuration session, String master) {
    if (session.get(SETTING) != null || !runsTasksHere(master)) {
      return session;
    }
    Configuration copy = new Configuration(session);
    copy.set(SETTING, PosixLocalFileSystem.class.getName());
    copy.setBoolean("fs.file.impl.disable.cache", true);
    return copy;
  }

  /** Whether {@code master} runs the tasks in the driver's JVM: {@code local} or {@code local[…]}, not local-cluster. */
  public static boolean runsTasksHere(String master) {
    return master.equals("local") || master.startsWith("local[");
  }

  /**
   * {@code permission} as a set of {@code java.nio} permissions, or null when it has a bit they
   * cannot express (the sticky bit).
   */
  static Set<PosixFilePermission> posix(FsPermission permission) {
    if (permission.getStickyBit()) {
      return null;
    }
    return PosixFilePermissions.fromString(permission.getUserAction().SYMBOL + permission.getGroupAction().SYMBOL
        + permission.getOtherAction().SYMBOL);
  }

  /** The raw (checksum-less) layer with {@link #setPermission} through {@code java.nio}. */
  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      Set<PosixFilePermission> posix = posix(permission);
      if (posix == null) {
        super.setPermission(p, permission);
        return;
      }
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), posix);
      } catch (UnsupportedOperationException e) { // a file system without POSIX permissions
        super.setPermission(p, permission);
      }
    }
  }
}
