package io.sparkdnn.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run at a time in a directory: refused while the holder lives, taken over once it is gone. */
class DirectoryLockTest {
  @TempDir java.nio.file.Path tmp;

  private FileSystem fs() throws IOException {
    return FileSystem.getLocal(new Configuration());
  }

  private Path dir() {
    return new Path(tmp.resolve("ckpt").toUri());
  }

  private DirectoryLock acquire() throws IOException {
    return DirectoryLock.acquire(fs(), dir(), "training", "/ckpt (checkpoint.dir)",
        "give each run its own checkpoint.dir");
  }

  private java.nio.file.Path lockFile() {
    return tmp.resolve("ckpt").resolve(DirectoryLock.FILE);
  }

  /** A process that has ended: its id names no running process with its start time. */
  private static long endedPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  @Test
  void aLiveHolderIsRefusedUntilItReleases() throws IOException {
    try (DirectoryLock first = acquire()) {
      assertTrue(Files.readString(lockFile()).contains("\"pid\" : " + ProcessHandle.current().pid()));
      DirectoryLock.LockedException e = assertThrows(DirectoryLock.LockedException.class, this::acquire);
      assertEquals("/ckpt (checkpoint.dir) is in use by another run right now (pid " + ProcessHandle.current().pid()
          + " on " + WriterMarker.thisHost() + "); give each run its own checkpoint.dir, or wait until that run has "
          + "finished", e.getMessage());
    }
    assertFalse(Files.exists(lockFile()), "released");
    try (DirectoryLock again = acquire()) {
      assertTrue(Files.exists(lockFile()));
    }
  }

  @Test
  void theLockOfAnEndedProcessIsTakenOver() throws Exception {
    Files.createDirectories(lockFile().getParent());
    String dead = new WriterMarker("training", WriterMarker.thisHost(), WriterMarker.thisBoot(), endedPid(), -1).text();
    Files.writeString(lockFile(), dead);
    try (DirectoryLock mine = acquire()) {
      String now = Files.readString(lockFile());
      assertTrue(now.contains("\"pid\" : " + ProcessHandle.current().pid()), now);
    }
    assertFalse(Files.exists(lockFile()));
    try (var leftovers = Files.list(lockFile().getParent())) {
      assertEquals(List.of(), leftovers.map(p -> p.getFileName().toString()).toList(), "no takeover claim is left");
    }
  }

  @Test
  void aHolderOnAnotherHostOrALockWithoutAHolderIsRefusedWithTheFileToDelete() throws IOException {
    Files.createDirectories(lockFile().getParent());
    Files.writeString(lockFile(), new WriterMarker("training", "elsewhere", "", 4711, -1).text());
    DirectoryLock.LockedException remote = assertThrows(DirectoryLock.LockedException.class, this::acquire);
    assertTrue(remote.getMessage().contains("in use by a run on another host (pid 4711 on elsewhere)"),
        remote.getMessage());
    assertTrue(remote.getMessage().endsWith("once that run is known to have ended, delete " + lockFile()),
        remote.getMessage());
    Files.writeString(lockFile(), "{\"writer\": \"spark-dnn\", \"ki");
    DirectoryLock.LockedException cut = assertThrows(DirectoryLock.LockedException.class, this::acquire);
    assertTrue(cut.getMessage().contains("does not name its run yet"), cut.getMessage());
    assertTrue(cut.getMessage().endsWith("if no other run is starting, delete " + lockFile()), cut.getMessage());
    assertEquals("{\"writer\": \"spark-dnn\", \"ki", Files.readString(lockFile()), "left as it was");
  }

  /** A lock deleted by hand and taken by another run meanwhile is not removed by the first holder's close. */
  @Test
  void closeRemovesOnlyItsOwnLock() throws IOException {
    DirectoryLock first = acquire();
    String other = new WriterMarker("training", "elsewhere", "", 4711, -1).text();
    Files.writeString(lockFile(), other);
    first.close();
    assertEquals(other, Files.readString(lockFile()));
  }

  /** Threads of one process racing for a dead lock: exactly one takes it, the others see it held. */
  @Test
  void ofSeveralTakingOverTheSameDeadLockOneWins() throws Exception {
    Files.createDirectories(lockFile().getParent());
    Files.writeString(lockFile(),
        new WriterMarker("training", WriterMarker.thisHost(), WriterMarker.thisBoot(), endedPid(), -1).text());
    int racers = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    List<Future<DirectoryLock>> results = new ArrayList<>();
    try {
      for (int i = 0; i < racers; i++) {
        Callable<DirectoryLock> racer = () -> {
          start.await();
          try {
            return acquire();
          } catch (DirectoryLock.LockedException e) {
            return null;
          }
        };
        results.add(pool.submit(racer));
      }
      start.countDown();
      List<DirectoryLock> winners = new ArrayList<>();
      for (Future<DirectoryLock> r : results) {
        DirectoryLock won = r.get(); // every racer has finished before any lock is released
        if (won != null) {
          winners.add(won);
        }
      }
      assertEquals(1, winners.size());
      winners.get(0).close();
    } finally {
      pool.shutdownNow();
    }
  }
}
