package io.sparkdnn.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mechanism every user-visible directory is written through: what it refuses to replace, how
 * it swaps, and which leftovers of other writers it removes (and which it must leave alone).
 */
class StagedDirectoryTest {
  private static final Ownership OUTPUT = Ownership.byMarker("predictions", "the output of spark-dnn predict");
  @TempDir Path dir;

  @AfterEach
  void reset() {
    FaultyFileSystem.reset();
  }

  private StagedDirectory create(Path target, boolean overwrite) {
    return StagedDirectory.create(target.toString(), new Configuration(), OUTPUT, overwrite, "out.path",
        "out.overwrite");
  }

  private static FileSystem local() throws IOException {
    return FileSystem.getLocal(new Configuration());
  }

  @Test
  void replacesOnlyWhatItWroteItself() throws IOException {
    Path target = dir.resolve("out");
    StagedDirectory first = create(target, false);
    Files.writeString(Path.of(first.path().toUri()).resolve("part-0"), "first");
    first.commit();
    assertEquals("first", Files.readString(target.resolve("part-0")));
    assertTrue(Files.exists(target.resolve(WriterMarker.FILE)), "the marker moves in with the output");

    IllegalStateException exists = assertThrows(IllegalStateException.class, () -> create(target, false));
    assertEquals("out.path " + target + " already exists; set out.overwrite = true or choose another path",
        exists.getMessage());

    StagedDirectory second = create(target, true);
    Files.writeString(Path.of(second.path().toUri()).resolve("part-0"), "second");
    second.commit();
    assertEquals("second", Files.readString(target.resolve("part-0")));
    assertEquals(List.of("out"), names(dir), "no staging or old copy left");

    Path users = dir.resolve("users");
    Files.createDirectories(users);
    Files.writeString(users.resolve("notes.txt"), "mine");
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> create(users, true));
    assertTrue(refused.getMessage().startsWith("out.path " + users + " is not the output of spark-dnn predict (it has no "
        + WriterMarker.FILE), refused.getMessage());
    assertTrue(refused.getMessage().contains("even with out.overwrite = true"), refused.getMessage());
    Path file = dir.resolve("file.csv");
    Files.writeString(file, "a,b\n");
    assertTrue(assertThrows(IllegalStateException.class, () -> create(file, true)).getMessage()
        .contains("(it is a file)"));
    assertEquals("mine", Files.readString(users.resolve("notes.txt")));
    assertEquals("a,b\n", Files.readString(file));
    assertEquals(List.of("file.csv", "out", "users"), names(dir), "no staging left by the refusals");
  }

  @Test
  void abortLeavesTheTargetAsItWas() throws IOException {
    Path target = dir.resolve("out");
    StagedDirectory first = create(target, false);
    first.commit();
    try (StagedDirectory second = create(target, true)) {
      Files.writeString(Path.of(second.path().toUri()).resolve("part-0"), "half");
      // closed without commit, as when the job that fills it fails
    }
    assertFalse(Files.exists(target.resolve("part-0")));
    assertEquals(List.of("out"), names(dir));
  }

  @Test
  void aFullDiskWhileStagingIsOneClearErrorAndLeavesNothing() {
    FaultyFileSystem.failWrites(p -> p.getName().equals(WriterMarker.FILE), FaultyFileSystem::diskFull);
    Path target = dir.resolve("out");
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> StagedDirectory.create(
        FaultyFileSystem.uri(target), FaultyFileSystem.configuration(), OUTPUT, true, "out.path", "out.overwrite"));
    assertEquals("cannot write the output of spark-dnn predict to " + FaultyFileSystem.uri(target)
        + " (out.path): No space left on device; free space on that filesystem, or choose another out.path",
        e.getMessage());
    assertEquals(List.of(), names(dir));
  }

  /** Staging directories of writers that are gone are removed; those of a running writer never are. */
  @Test
  void removesStagingDirectoriesOnlyOfWritersThatAreGone() throws Exception {
    Path target = dir.resolve("out");
    FileSystem fs = local();
    Path ofDeadWriter = staging(target, "dead", deadWriter());
    Path ofThisProcess = staging(target, "alive", WriterMarker.ofThisProcess("predictions"));
    WriterMarker reusedPid = WriterMarker.ofThisProcess("predictions");
    Path ofReusedPid = staging(target, "reused", new WriterMarker("predictions", reusedPid.host, reusedPid.bootId,
        reusedPid.pid, reusedPid.processStarted - 3_600_000));
    WriterMarker remote = new WriterMarker("predictions", "another-host", "", 4711, 0);
    Path remoteFresh = staging(target, "remote-fresh", remote);
    Path remoteOld = age(staging(target, "remote-old", remote), StagedDirectory.STALE_AFTER.plusDays(1));
    Path olderSpark = staging(target, "no-marker", null);
    Path olderSparkOld = age(staging(target, "no-marker-old", null), StagedDirectory.STALE_AFTER.plusDays(1));
    Path rebooted = staging(target, "rebooted", new WriterMarker("predictions", reusedPid.host, "another-boot",
        reusedPid.pid, reusedPid.processStarted));

    StagedDirectory.repair(fs, new org.apache.hadoop.fs.Path(target.toUri()));

    assertFalse(Files.exists(ofDeadWriter), "its process has ended");
    assertFalse(Files.exists(ofReusedPid), "its process id now belongs to a process started later");
    assertFalse(Files.exists(rebooted), "the machine has rebooted since");
    assertFalse(Files.exists(remoteOld), "another host's, unchanged for longer than " + StagedDirectory.STALE_AFTER);
    assertFalse(Files.exists(olderSparkOld), "no marker, unchanged for longer than " + StagedDirectory.STALE_AFTER);
    assertTrue(Files.exists(ofThisProcess), "this process is still writing it");
    assertTrue(Files.exists(remoteFresh), "another host's, recently changed: it may be writing");
    assertTrue(Files.exists(olderSpark), "no marker, recently changed");
  }

  /**
   * A second writer of the same path is refused at its start while the first is alive, with or
   * without overwrite, rather than writing in full and then failing, or silently replacing the
   * first's result; once the first has committed, the second may start (with overwrite).
   */
  @Test
  void aSecondWriterOfTheSamePathIsRefusedWhileTheFirstIsWriting() throws IOException {
    Path target = dir.resolve("busy");
    StagedDirectory first = create(target, false);
    for (boolean overwrite : new boolean[] {false, true}) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> create(target, overwrite));
      assertTrue(e.getMessage().startsWith("out.path " + target + " is being written by another run right now (pid "
          + ProcessHandle.current().pid() + " on "), e.getMessage());
      assertTrue(e.getMessage().endsWith("wait until it has finished, or choose another out.path"), e.getMessage());
    }
    first.commit();
    StagedDirectory second = create(target, true);
    second.commit();
    assertTrue(Files.isDirectory(target));
  }

  /** A swap whose writer is alive is left alone, even with the target missing; its writer finishes it. */
  @Test
  void aSwapInProgressIsLeftToItsWriter() throws Exception {
    Path target = dir.resolve("out");
    Path old = dir.resolve(".out.old-live");
    Files.createDirectories(old);
    Path staging = staging(target, "live", WriterMarker.ofThisProcess("predictions"));
    StagedDirectory.repair(local(), new org.apache.hadoop.fs.Path(target.toUri()));
    assertTrue(Files.exists(old) && Files.exists(staging) && !Files.exists(target));

    Path remoteStaging = staging(target, "remote", new WriterMarker("predictions", "another-host", "", 1, 0));
    Files.move(old, dir.resolve(".out.old-remote"));
    StagedDirectory.repair(local(), new org.apache.hadoop.fs.Path(target.toUri()));
    assertFalse(Files.exists(target), "another host's swap, begun just now: left alone");
    age(remoteStaging, StagedDirectory.SWAP_TIMEOUT.plusMinutes(1));
    StagedDirectory.repair(local(), new org.apache.hadoop.fs.Path(target.toUri()));
    assertTrue(Files.exists(target), "another host's swap begun over " + StagedDirectory.SWAP_TIMEOUT
        + " ago: cut off, the old copy is back");
  }

  /** A writer marker of a process that has ended: the marker a killed writer leaves. */
  static WriterMarker deadWriter() throws Exception {
    Process p = new ProcessBuilder("sleep", "600").start();
    long started = p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    p.destroyForcibly().waitFor();
    return new WriterMarker("predictions", WriterMarker.thisHost(), WriterMarker.thisBoot(), p.pid(), started);
  }

  private Path staging(Path target, String id, WriterMarker marker) throws IOException {
    Path staging = target.resolveSibling("." + target.getFileName() + ".staging-" + id);
    Files.createDirectories(staging);
    Files.writeString(staging.resolve("part-0"), "rows");
    if (marker != null) {
      marker.write(local(), new org.apache.hadoop.fs.Path(staging.toUri()));
    }
    return staging;
  }

  /** Sets the modification time of a directory and everything directly in it to {@code age} ago. */
  private static Path age(Path dir, Duration age) throws IOException {
    FileTime then = FileTime.from(Instant.now().minus(age));
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.collect(Collectors.toList())) {
        Files.setLastModifiedTime(child, then);
      }
    }
    Files.setLastModifiedTime(dir, then);
    return dir;
  }

  private static List<String> names(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
