package io.sparkdnn.store;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/**
 * The second process of {@link LockTest}: a JVM of its own that takes a model's lock.
 *
 * <pre>
 *   hold STORE NAME RUN-ID              take the lock and keep it until stdin closes (or the process is killed)
 *   contend STORE NAME RUN-ID N DIR     write DIR/READY, wait for DIR/START, then N times: lock, check that
 *                                       nobody else is inside (DIR/INSIDE, created exclusively), release;
 *                                       print "acquired A refused R violations V"
 * </pre>
 */
public final class LockContender {
  private LockContender() {}

  public static void main(String[] args) throws Exception {
    ModelStore store = new ModelStore(args[1], args[2], new Configuration());
    if (args[0].equals("hold")) {
      try (ModelStore.Lock lock = store.lock(args[3])) {
        lock.checkHeld();
        System.out.println("holding");
        System.out.flush();
        System.in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return;
    }
    int rounds = Integer.parseInt(args[4]);
    Path dir = Path.of(args[5]);
    Files.writeString(dir.resolve("READY." + ProcessHandle.current().pid()), "");
    while (!Files.exists(dir.resolve("START"))) {
      Thread.sleep(5);
    }
    int[] counts = contend(store, args[3], rounds, dir.resolve("INSIDE"));
    System.out.println("acquired " + counts[0] + " refused " + counts[1] + " violations " + counts[2]);
  }

  /**
   * {@code rounds} attempts to take the lock; while holding it, checks mutual exclusion with a
   * file only the holder may create. Returns {acquired, refused, violations}.
   */
  static int[] contend(ModelStore store, String runId, int rounds, Path inside) throws Exception {
    int acquired = 0;
    int refused = 0;
    int violations = 0;
    for (int i = 0; i < rounds; i++) {
      ModelStore.Lock lock;
      try {
        lock = store.lock(runId);
      } catch (ModelStore.LockedException e) {
        refused++;
        continue;
      }
      try (lock) {
        acquired++;
        try {
          Files.createFile(inside);
        } catch (FileAlreadyExistsException e) {
          violations++;
          continue;
        }
        try {
          lock.checkHeld();
        } catch (IllegalStateException e) {
          violations++;
        }
        Files.delete(inside);
      }
    }
    return new int[] {acquired, refused, violations};
  }
}
