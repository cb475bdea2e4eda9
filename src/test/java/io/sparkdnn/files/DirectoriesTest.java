package io.sparkdnn.files;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory that cannot be created is refused with the reason, where Hadoop gives only false. */
class DirectoriesTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void createsMissingParentsAndAcceptsAnExistingDirectory() throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Path deep = new Path(dir.resolve("a/b/c").toUri());
    Directories.create(fs, deep);
    Directories.create(fs, deep);
    assertTrue(Files.isDirectory(dir.resolve("a/b/c")));
  }

  /**
   * sysfs refuses every new directory, even to root (EPERM; "Read-only file system" where it is
   * mounted read-only): Hadoop's mkdirs says false, the message says why.
   */
  @Test
  void aRefusedDirectoryIsNamedWithTheReason() throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    IOException e = assertThrows(IOException.class, () -> Directories.create(fs, new Path("/sys/spark-dnn-test/x")));
    assertTrue(e.getMessage().startsWith("cannot create the directory /sys/spark-dnn-test/x: "), e.getMessage());
    String reason = e.getMessage().toLowerCase(java.util.Locale.ROOT);
    assertTrue(reason.contains("not permitted") || reason.contains("read-only"), e.getMessage());
  }
}
