package io.sparkdnn.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hadoop's local file system, with permissions set through java.nio: the same files, modes and checksums. */
class PosixLocalFileSystemTest {
  @TempDir java.nio.file.Path dir;

  /** A new instance each time: FileSystem.get caches one per scheme, whatever the configuration says. */
  private static FileSystem open(Configuration conf) throws IOException {
    return FileSystem.newInstance(java.net.URI.create("file:///"), conf);
  }

  private static String mode(java.nio.file.Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void installedForFilePathsUnlessTheConfigurationNamesAnotherClass() throws IOException {
    try (FileSystem fs = open(PosixLocalFileSystem.install(new Configuration(false)))) {
      assertSame(PosixLocalFileSystem.class, fs.getClass());
    }
    Configuration own = new Configuration(false);
    own.set("fs.file.impl", org.apache.hadoop.fs.LocalFileSystem.class.getName());
    assertEquals(org.apache.hadoop.fs.LocalFileSystem.class.getName(),
        PosixLocalFileSystem.install(own).get("fs.file.impl"), "a user's choice is kept");
  }

  /**
   * A session that names no class for file: (a user's) gets a copy through this class on a local
   * master, past Hadoop's per-scheme cache of file systems; a session that names one, or whose tasks
   * run in other JVMs, keeps its own.
   */
  @Test
  void aLocalSessionsOwnFilesGoThroughThisClassPastHadoopsCache() throws IOException {
    Configuration session = new Configuration(false);
    FileSystem cached = FileSystem.get(java.net.URI.create("file:///"), new Configuration());
    assertSame(org.apache.hadoop.fs.LocalFileSystem.class, cached.getClass(), "Hadoop's, cached for file:");
    Configuration ours = PosixLocalFileSystem.forSession(session, "local[2]");
    assertNull(session.get(PosixLocalFileSystem.SETTING), "the session's own configuration is left as it was");
    try (FileSystem fs = new Path(dir.toUri()).getFileSystem(ours)) {
      assertSame(PosixLocalFileSystem.class, fs.getClass());
    }
    assertEquals(PosixLocalFileSystem.class.getName(),
        PosixLocalFileSystem.forSession(session, "local").get(PosixLocalFileSystem.SETTING));
    for (String master : new String[] {"spark://host:7077", "local-cluster[2,1,1024]", "yarn"}) {
      assertSame(session, PosixLocalFileSystem.forSession(session, master), master);
    }
    Configuration named = new Configuration(false);
    named.set(PosixLocalFileSystem.SETTING, FaultyFileSystem.class.getName());
    assertSame(named, PosixLocalFileSystem.forSession(named, "local[2]"), "a class the session names is kept");
  }

  @Test
  void filesAndDirectoriesGetTheModesAskedForWithChecksumsAsBefore() throws IOException {
    try (FileSystem fs = open(PosixLocalFileSystem.install(new Configuration(false)))) {
      Path sub = new Path(dir.toUri().toString(), "a/b");
      assertTrue(fs.mkdirs(sub, new FsPermission((short) 0750)));
      assertEquals("rwxr-x---", mode(dir.resolve("a/b")));
      Path file = new Path(sub, "x.json");
      try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), false, 4096, (short) 1, 1 << 20,
          null)) {
        out.write("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
      }
      assertEquals("rw-r-----", mode(dir.resolve("a/b/x.json")));
      assertTrue(Files.exists(dir.resolve("a/b/.x.json.crc")), "LocalFileSystem's checksum file, as before");
      fs.setPermission(file, new FsPermission((short) 0604));
      assertEquals("rw----r--", mode(dir.resolve("a/b/x.json")));
      byte[] back = new byte[7];
      try (FSDataInputStream in = fs.open(file)) {
        in.readFully(back);
      }
      assertArrayEquals("{\"a\":1}".getBytes(StandardCharsets.UTF_8), back);
    }
  }

  @Test
  void theStickyBitTakesHadoopsRouteAndAMissingFileFailsAsAnIoException() throws IOException {
    assertNull(PosixLocalFileSystem.posix(new FsPermission((short) 01777)));
    try (FileSystem fs = open(PosixLocalFileSystem.install(new Configuration(false)))) {
      Path shared = new Path(dir.toUri().toString(), "shared");
      assertTrue(fs.mkdirs(shared));
      fs.setPermission(shared, new FsPermission((short) 01777));
      assertEquals("rwxrwxrwx", mode(dir.resolve("shared")));
      assertThrows(IOException.class, () -> fs.setPermission(new Path(shared, "gone"), new FsPermission((short) 0644)));
    }
  }
}
