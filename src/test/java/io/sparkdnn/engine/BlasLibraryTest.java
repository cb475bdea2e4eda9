package io.sparkdnn.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The bundled OpenBLAS runs each call on the calling thread only. Spark already runs one task per
 * core; an OpenBLAS worker thread per call was measured 2× slower, and the thread count is set through
 * our own lookup (see {@link BlasLibrary}), so this pins that the setting took.
 *
 * <p>Counted in CPU ticks per thread from {@code /proc/self/task}, not in wall time, so a busy machine
 * does not change it: with OpenBLAS's default its workers share the product with the caller; with one
 * thread per call no other thread of the JVM comes near.
 */
class BlasLibraryTest {

  @Test
  void theBundledOpenBlasComputesOnTheCallingThreadOnly() {
    Gemm gemm = BlasLibrary.gemm(BlasBackend.BUNDLED);
    assertTrue(gemm.description().contains("bundled"), gemm.description());
    int n = 1500;
    float[] a = new float[n * n];
    float[] b = new float[n * n];
    float[] c = new float[n * n];
    java.util.Arrays.fill(a, 1f);
    java.util.Arrays.fill(b, 1f);
    gemm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    String self = Path.of("/proc/thread-self").toAbsolutePath().toString();
    String me = readLink(Path.of("/proc/thread-self")).getFileName().toString();
    Map<String, Long> before = ticksPerThread();
    for (int i = 0; i < 8; i++) {
      gemm.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    }
    Map<String, Long> after = ticksPerThread();
    long mine = after.get(me) - before.get(me);
    assertTrue(mine >= 10, "the products took " + mine + " ticks on " + self + "; too few to compare");
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long spent = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (!e.getKey().equals(me)) {
        // With OpenBLAS's default a worker spends about what the caller does (2 cores: 31 against 32
        // ticks); half leaves room for a compiler or GC thread that happens to run meanwhile.
        assertTrue(spent * 2 < mine, "thread " + e.getKey() + " spent " + spent + " ticks while this one spent "
            + mine + " in the products: is OpenBLAS running more than one thread per call?");
      }
    }
    assertTrue(c[0] == n, "product " + c[0]);
  }

  private static Path readLink(Path link) {
    try {
      return Files.readSymbolicLink(link);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** User plus system CPU ticks of each thread of this process, by thread id. */
  private static Map<String, Long> ticksPerThread() {
    Map<String, Long> ticks = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      tasks.forEach(task -> {
        try {
          String stat = Files.readString(task.resolve("stat"));
          // fields after the parenthesised name: state is 3rd, utime 14th, stime 15th of the whole line
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.put(task.getFileName().toString(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (IOException e) {
          // the thread ended between the listing and the read
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ticks;
  }

  /** netlib's own java.util.logging INFO lines (its choice of BLAS) stay off the commands' stderr. */
  @Test
  void netlibsAnnouncementIsNotLogged() {
    BlasLibrary.gemm(BlasBackend.AUTO);
    java.util.logging.Logger builder = java.util.logging.Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder");
    assertTrue(!builder.isLoggable(java.util.logging.Level.INFO));
    assertTrue(builder.isLoggable(java.util.logging.Level.WARNING));
  }
}
