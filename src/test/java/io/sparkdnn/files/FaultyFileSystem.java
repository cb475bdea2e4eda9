package io.sparkdnn.files;

import java.io.FileNotFoundException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * The local filesystem under the scheme {@value #SCHEME}, with faults injected where a test asks:
 * writes that fail as a full disk or a read-only one does (which works as root, where chmod does
 * not), and renames or deletes that never return — so that a test can kill the process at exactly
 * that point. Paths are local paths: {@code faultyfs:/tmp/x} is {@code /tmp/x}.
 */
public final class FaultyFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "faultyfs";
  private static volatile Predicate<Path> failWrites = p -> false;
  private static volatile Supplier<Throwable> failure = FaultyFileSystem::diskFull;
  private static volatile Predicate<Path[]> pauseRenames = p -> false;
  private static volatile Predicate<Path> pauseDeletes = p -> false;

  /** A configuration that maps {@value #SCHEME} to this class. */
  public static Configuration configuration() {
    Configuration conf = new Configuration();
    register(conf);
    return conf;
  }

  public static void register(Configuration conf) {
    conf.set("fs." + SCHEME + ".impl", FaultyFileSystem.class.getName());
    conf.setBoolean("fs." + SCHEME + ".impl.disable.cache", true);
  }

  /** {@code faultyfs:PATH} for a local path. */
  public static String uri(java.nio.file.Path local) {
    return SCHEME + ":" + local.toAbsolutePath();
  }

  /**
   * Files matching {@code which} fail: an IOException ({@link #readOnly}) is thrown when the file
   * is opened, and nothing is created; an Error ({@link #diskFull}) leaves the file created and
   * empty, and is thrown by every write to it.
   */
  public static void failWrites(Predicate<Path> which, Supplier<Throwable> how) {
    failure = how;
    failWrites = which;
  }

  /** Renames whose (source, destination) match block forever, until the process is killed. */
  public static void pauseRenames(Predicate<Path[]> which) {
    pauseRenames = which;
  }

  /** Deletes of paths that match block forever, until the process is killed. */
  public static void pauseDeletes(Predicate<Path> which) {
    pauseDeletes = which;
  }

  public static void reset() {
    failWrites = p -> false;
    pauseRenames = p -> false;
    pauseDeletes = p -> false;
  }

  /**
   * What Hadoop's local filesystem throws when the disk is full: an {@link FSError} (an Error)
   * around the IOException "No space left on device". Its constructor is package-private.
   */
  public static Throwable diskFull() {
    try {
      Constructor<FSError> c = FSError.class.getDeclaredConstructor(Throwable.class);
      c.setAccessible(true);
      return c.newInstance(new IOException("No space left on device"));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What opening a file for writing on a read-only filesystem throws. */
  public static Throwable readOnly() {
    return new FileNotFoundException("(Read-only file system)");
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  protected OutputStream createOutputStreamWithMode(Path f, boolean append, FsPermission permission)
      throws IOException {
    OutputStream real = super.createOutputStreamWithMode(f, append, permission);
    if (!failWrites.test(f)) {
      return real;
    }
    Throwable t = failure.get();
    if (t instanceof IOException) { // refused when opened (read-only, no permission): nothing is created
      real.close();
      super.delete(f, false);
      throw new FileNotFoundException(f + " " + t.getMessage());
    }
    return new FilterOutputStream(real) {
      @Override
      public void write(int b) {
        throw sneaky(failure.get());
      }

      @Override
      public void write(byte[] b, int off, int len) {
        throw sneaky(failure.get());
      }
    };
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    if (pauseRenames.test(new Path[] {src, dst})) {
      blockForever();
    }
    return super.rename(src, dst);
  }

  @Override
  public boolean delete(Path p, boolean recursive) throws IOException {
    if (pauseDeletes.test(p)) {
      blockForever();
    }
    return super.delete(p, recursive);
  }

  private static void blockForever() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // only a kill ends this
      }
    }
  }

  private static RuntimeException sneaky(Throwable t) {
    if (t instanceof Error) {
      throw (Error) t;
    }
    if (t instanceof RuntimeException) {
      return (RuntimeException) t;
    }
    return FaultyFileSystem.<RuntimeException>sneakyThrow(t);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneakyThrow(Throwable t) throws T {
    throw (T) t;
  }
}
