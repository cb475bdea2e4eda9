package io.sparkdnn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's lock is exclusive: among threads of one JVM, among processes, and when retries of
 * a dead attempt race to take it over; promote, rollback and prune wait for it; a lock broken
 * while held changes nothing.
 */
class LockTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int THREADS = 8;
  @TempDir Path dir;

  private ModelStore store(String name) {
    return new ModelStore(dir.toString(), name, new Configuration());
  }

  /**
   * Each round, eight threads try to take the lock at once (distinct run ids); exactly one gets
   * it. The old exists-then-create let two through in about 2 of 1,300 trials.
   */
  @Test
  void amongThreadsExactlyOneTakesTheLock() throws Exception {
    ModelStore store = store("threads");
    int rounds = 400;
    List<Integer> winnersPerRound = race(rounds, t -> store.lock("run-" + t), null);
    for (int r = 0; r < rounds; r++) {
      assertEquals(1, winnersPerRound.get(r), "round " + r + ": winners");
    }
    assertFalse(Files.exists(dir.resolve("threads/LOCK")), "released");
  }

  /**
   * Each round a dead attempt of run "nightly" holds the lock, and eight retries of "nightly"
   * race to take it over: exactly one wins, the others are refused, no claim is left behind.
   */
  @Test
  void racingRetriesTakeOverADeadAttemptsLockOnce() throws Exception {
    ModelStore store = store("takeover");
    long dead = deadPid();
    int rounds = 200;
    Path lock = Files.createDirectories(dir.resolve("takeover")).resolve("LOCK");
    List<Integer> winners = race(rounds, t -> store.lock("nightly"),
        () -> Files.writeString(lock, lockText("nightly", dead)));
    for (int r = 0; r < rounds; r++) {
      assertEquals(1, winners.get(r), "round " + r + ": winners");
    }
    try (Stream<Path> files = Files.list(dir.resolve("takeover"))) {
      assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("LOCK")).toList(),
          "no lock and no takeover claim left");
    }
  }

  @Test
  void aDeadAttemptOfAnotherRunIsNotTakenOver() throws Exception {
    ModelStore store = store("other");
    Files.createDirectories(dir.resolve("other"));
    String text = lockText("nightly", deadPid());
    Files.writeString(dir.resolve("other/LOCK"), text);
    ModelStore.LockedException e = assertThrows(ModelStore.LockedException.class, () -> store.lock("adhoc"));
    assertTrue(e.getMessage().startsWith("model other is locked by run nightly (pid " + deadPid + " on "), e.getMessage());
    assertEquals(text, Files.readString(dir.resolve("other/LOCK")), "left as it was");
    try (ModelStore.Lock taken = store.lock("nightly")) {
      taken.checkHeld();
    }
  }

  /** promote, rollback and prune take the lock: refused while a run holds it, and then they work. */
  @Test
  void promoteRollbackAndPruneTakeTheLock() throws Exception {
    ModelStore store = store("cmds");
    String v1 = version("cmds", 1);
    String v2 = version("cmds", 2);
    store.promote(v1, "first");
    store.promote(v2, "second");
    try (ModelStore.Lock run = store.lock("2026-11-27")) {
      run.checkHeld();
      String expected = "model cmds is locked by run 2026-11-27 (pid " + ProcessHandle.current().pid() + " on ";
      for (Runnable command : List.<Runnable>of(() -> store.promote(v1, "by hand"), () -> store.rollback("by hand"),
          () -> store.prune(1))) {
        ModelStore.LockedException e = assertThrows(ModelStore.LockedException.class, command::run);
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
      }
      assertEquals(v2, store.current(), "nothing changed");
      assertTrue(store.hasVersion(v1));
    }
    assertEquals(v1, store.rollback("back"));
    assertEquals(List.of(), store.prune(1), "v1 is production and v2 the newest");
    assertFalse(Files.exists(dir.resolve("cmds/LOCK")));
  }

  /** A run whose lock was broken with `dnn unlock` (and taken by another) changes nothing. */
  @Test
  void aLockBrokenWhileHeldChangesNothing() throws Exception {
    ModelStore store = store("broken");
    String v1 = version("broken", 1);
    ModelStore.Lock first = store.lock("first");
    assertTrue(store.breakLock().contains("\"run_id\":\"first\""));
    try (ModelStore.Lock second = store.lock("second")) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> first.setCurrent(v1, "promote", "late"));
      assertTrue(e.getMessage().startsWith("the lock of model broken was broken while run first (pid "), e.getMessage());
      assertTrue(e.getMessage().endsWith("; nothing was changed"), e.getMessage());
      assertNull(store.current());
      first.close();
      second.checkHeld();
    }
  }

  /**
   * A second JVM holds the lock: this one is refused (named by the other's pid), also for the
   * same run id while the other is alive; once it is killed, a retry of its run id takes over.
   */
  @Test
  void anotherProcessHoldsTheLockUntilItDies() throws Exception {
    ModelStore store = store("procs");
    Process holder = child("hold", dir.toString(), "procs", "nightly").redirectInput(ProcessBuilder.Redirect.PIPE)
        .start();
    try {
      Path lock = dir.resolve("procs/LOCK");
      JsonNode owner = awaitLockOf(lock, holder);
      assertEquals("nightly", owner.path("run_id").asText());
      String expected = "model procs is locked by run nightly (pid " + holder.pid() + " on ";
      ModelStore.LockedException other = assertThrows(ModelStore.LockedException.class, () -> store.lock("adhoc"));
      assertTrue(other.getMessage().startsWith(expected), other.getMessage());
      ModelStore.LockedException same = assertThrows(ModelStore.LockedException.class, () -> store.lock("nightly"));
      assertTrue(same.getMessage().startsWith(expected), "alive, so not taken over: " + same.getMessage());

      holder.destroyForcibly();
      assertTrue(holder.waitFor(60, TimeUnit.SECONDS));
      assertTrue(Files.exists(lock), "kill -9 leaves the lock");
      assertThrows(ModelStore.LockedException.class, () -> store.lock("adhoc"), "another run id is still refused");
      try (ModelStore.Lock retry = store.lock("nightly")) {
        retry.checkHeld();
        assertEquals(ProcessHandle.current().pid(), JSON.readTree(lock.toFile()).path("pid").asLong());
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  /** Two JVMs take and release the lock 300 times each, at the same time: never both inside. */
  @Test
  void twoProcessesNeverHoldTheLockTogether() throws Exception {
    ModelStore store = store("contend");
    Path sync = Files.createDirectory(dir.resolve("sync"));
    Path out = dir.resolve("child.out");
    Process child = child("contend", dir.toString(), "contend", "child", "300", sync.toString())
        .redirectOutput(out.toFile()).start();
    try {
      Path ready = sync.resolve("READY." + child.pid());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!Files.exists(ready) && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(Files.exists(ready), "the child started: " + Files.readString(out));
      Files.writeString(sync.resolve("START"), "");
      int[] mine = LockContender.contend(store, "parent", 300, sync.resolve("INSIDE"));
      assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child finished");
      String[] theirs = Files.readString(out).trim().split(" ");
      assertEquals(0, child.exitValue(), Files.readString(out));
      assertEquals(0, mine[2], "violations in this process");
      assertEquals("0", theirs[5], "violations in the child: " + Files.readString(out));
      assertEquals(300, mine[0] + mine[1]);
      assertTrue(mine[0] + Integer.parseInt(theirs[1]) > 0, "someone took the lock");
      System.out.printf("two processes: this one took the lock %d times (refused %d), the child %s times (refused %s)%n",
          mine[0], mine[1], theirs[1], theirs[3]);
    } finally {
      child.destroyForcibly();
    }
  }

  // --- helpers

  interface Attempt {
    ModelStore.Lock lock(int thread) throws Exception;
  }

  interface Setup {
    void run() throws Exception;
  }

  /**
   * Rounds of THREADS threads that wait at a barrier, all try to lock at once, wait until every
   * attempt is over (so the winner still holds the lock while the others try), then release.
   * Returns how many won in each round; fails on anything but a win or a refusal (a winner that
   * finds its lock overwritten is one).
   */
  private static List<Integer> race(int rounds, Attempt attempt, Setup beforeEachRound) throws Exception {
    List<Integer> winners = new ArrayList<>();
    AtomicInteger won = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    CyclicBarrier start = new CyclicBarrier(THREADS, () -> {
      winners.add(won.getAndSet(0));
      boolean anotherRound = winners.size() <= rounds;
      if (beforeEachRound != null && anotherRound) {
        try {
          beforeEachRound.run();
        } catch (Exception e) {
          failures.add("setup: " + e);
        }
      }
    });
    CyclicBarrier attempted = new CyclicBarrier(THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int r = 0; r < rounds; r++) {
            start.await(60, TimeUnit.SECONDS);
            ModelStore.Lock lock = null;
            try {
              lock = attempt.lock(thread);
              won.incrementAndGet();
              lock.checkHeld();
            } catch (ModelStore.LockedException refused) {
              // one of the many
            } catch (Exception e) {
              failures.add("round " + r + ", thread " + thread + ": " + e);
            }
            attempted.await(60, TimeUnit.SECONDS);
            if (lock != null) {
              try {
                lock.close();
              } catch (Exception e) {
                failures.add("round " + r + ", thread " + thread + ", release: " + e);
              }
            }
          }
          start.await(60, TimeUnit.SECONDS);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), failures.size() + " failures");
    return winners.subList(1, winners.size());
  }

  private static long deadPid;

  /** The pid of a process that has exited (and been reaped). */
  private static synchronized long deadPid() throws Exception {
    if (deadPid == 0) {
      Process p = new ProcessBuilder("true").start();
      assertEquals(0, p.waitFor());
      deadPid = p.pid();
      assertFalse(ProcessHandle.of(deadPid).map(ProcessHandle::isAlive).orElse(false));
    }
    return deadPid;
  }

  /** A LOCK as an attempt of {@code runId} in process {@code pid} on this host writes it. */
  private static String lockText(String runId, long pid) throws Exception {
    ObjectNode o = JSON.createObjectNode();
    o.put("run_id", runId);
    o.put("host", InetAddress.getLocalHost().getHostName());
    o.put("pid", pid);
    o.put("since", Instant.now().toString());
    o.put("token", UUID.randomUUID().toString());
    return o + "\n";
  }

  private String version(String name, int n) throws Exception {
    return version(dir, name, n);
  }

  /** A version of model {@code name} in store {@code store} with the two files promote checks for (not read here). */
  static String version(Path store, String name, int n) throws Exception {
    String v = String.format("v%06d-20261127T0%d0000Z", n, n);
    Path version = Files.createDirectories(store.resolve(name).resolve(v));
    Files.writeString(version.resolve("metadata.json"), "{}");
    Files.writeString(version.resolve("weights.bin"), "");
    return v;
  }

  /** A JVM running {@link LockContender} with the test classpath. */
  private static ProcessBuilder child(String... args) throws Exception {
    String classpath = Files.readString(Path.of("target/test-classpath.txt")).trim()
        + java.io.File.pathSeparator + Path.of("target/classes").toAbsolutePath()
        + java.io.File.pathSeparator + Path.of("target/test-classes").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath, LockContender.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
  }

  /** Waits until {@code lock} names {@code holder}'s pid (the state the child writes), or it dies. */
  private static JsonNode awaitLockOf(Path lock, Process holder) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (holder.isAlive() && System.nanoTime() < deadline) {
      if (Files.exists(lock)) {
        String text = Files.readString(lock);
        if (text.endsWith("\n") && JSON.readTree(text).path("pid").asLong() == holder.pid()) {
          return JSON.readTree(text);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the child never took the lock (alive: " + holder.isAlive() + ")");
  }
}
