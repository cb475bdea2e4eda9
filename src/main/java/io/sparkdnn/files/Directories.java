package io.sparkdnn.files;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/** Creating directories with the reason when it fails. */
public final class Directories {
  private Directories() {}

  /**
   * Creates {@code dir} and its missing parents; nothing when it exists.
   *
   * <p>Hadoop's local filesystem answers a failed {@code mkdirs} with false alone, whether the
   * filesystem is read-only, the user may not write there, or a file stands in the way. On a local
   * path java.nio is asked to do the same, and its exception says which (as "Read-only file system"),
   * so that the user's error line names the cause.
   *
   * @throws IOException when the directory cannot be created: its message names the directory and,
   *     on a local path, the reason
   */
  public static void create(FileSystem fs, Path dir) throws IOException {
    if (fs.mkdirs(dir)) {
      return;
    }
    if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
      try {
        java.nio.file.Files.createDirectories(java.nio.file.Path.of(dir.toUri().getPath()));
        return; // created meanwhile, by another process
      } catch (IOException e) {
        throw new IOException("cannot create the directory " + dir + ": " + Causes.firstLine(e), e);
      }
    }
    throw new IOException("cannot create the directory " + dir);
  }
}
