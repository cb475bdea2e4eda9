package io.sparkdnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GC and JIT flags reach executors, added to the user's options, never replacing a choice of theirs. */
class SparkSetupTest {
  private static final String ALL = String.join(" ", SparkSetup.JVM_FLAGS);

  @Test
  void executorsGetTheFlagsAfterTheUsersOwn() {
    assertEquals(ALL, SparkSetup.executorJavaOptions(""));
    assertEquals("-Dx=1 " + ALL, SparkSetup.executorJavaOptions(" -Dx=1 "));
  }

  @Test
  void aFlagTheUserSetIsTheirs() {
    String options = SparkSetup.executorJavaOptions("-XX:G1HeapRegionSize=32m -XX:Tier4InvocationThreshold=5000");
    List<String> words = List.of(options.split(" "));
    assertTrue(words.contains("-XX:G1HeapRegionSize=32m"), options);
    assertFalse(words.contains("-XX:G1HeapRegionSize=16m"), options);
    assertEquals(1, words.stream().filter(w -> w.startsWith("-XX:Tier4InvocationThreshold=")).count(), options);
    // the other flags are still added, and a repeatable option is added once
    assertTrue(words.contains("-XX:Tier4BackEdgeThreshold=400000"), options);
    assertEquals(1, words.stream().filter(w -> w.equals("-XX:CompileCommand=quiet")).count(), options);
    assertEquals(words.size(), SparkSetup.executorJavaOptions(options).split(" ").length, "adding twice changes nothing");
  }

  /** The scripts' JVMs (target/jvm-flags.txt, from the pom) and the executors use the same flags. */
  @Test
  void theScriptsAndTheExecutorsShareOneSetting() throws Exception {
    assertTrue(Files.readString(Path.of("target/jvm-flags.txt")).contains(ALL));
    assertEquals(ALL, Files.readString(Path.of("target/jvm-tuning-flags.txt")).trim());
  }

  /** The tests' own JVMs (surefire's argLine, the same pom property) run with every flag, unmangled. */
  @Test
  void theTestJvmRunsWithThem() {
    List<String> arguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
    assertTrue(arguments.containsAll(SparkSetup.JVM_FLAGS), arguments.toString());
  }

  /** Every flag is one this JVM accepts: a misspelt -XX option would stop every JVM from starting. */
  @Test
  void theFlagsStartAJvm() throws Exception {
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(javaBin.toString()));
    command.addAll(SparkSetup.JVM_FLAGS);
    command.add("-version");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertFalse(out.contains("CompileCommand"), "the compile commands are quiet: " + out);
  }

  /**
   * A local-mode round's result (weight change and Adam moments, 2.8 MB for the main job's network)
   * comes back inside the task's status message, not through the block manager: Spark records a
   * "getting result" time only for a result it has to fetch.
   */
  @Test
  void aRoundSizedTaskResultComesBackDirectly() throws Exception {
    org.apache.spark.SparkContext sc = io.sparkdnn.SparkTestSession.get().sparkContext();
    List<Long> fetched = java.util.Collections.synchronizedList(new ArrayList<>());
    org.apache.spark.scheduler.SparkListener listener = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        fetched.add(end.taskInfo().gettingResultTime());
      }
    };
    sc.addSparkListener(listener);
    try {
      int floats = 3 * 235_146;
      List<float[]> results = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(sc)
          .parallelize(List.of(1, 2), 2).map(i -> new float[floats]).collect();
      assertEquals(2, results.size());
      assertEquals(floats, results.get(0).length);
      sc.listenerBus().waitUntilEmpty();
      assertEquals(List.of(0L, 0L), fetched, "no result was fetched from a block manager");
    } finally {
      sc.removeSparkListener(listener);
    }
  }
}
