package io.sparkdnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The GC flags reach executors, added to the user's options, never replacing a choice of theirs. */
class SparkSetupTest {
  @Test
  void executorsGetTheRegionSizeUnlessTheUserChoseOne() {
    assertEquals(SparkSetup.GC_FLAGS, SparkSetup.executorJavaOptions(""));
    assertEquals("-Dx=1 " + SparkSetup.GC_FLAGS, SparkSetup.executorJavaOptions(" -Dx=1 "));
    assertEquals("-XX:G1HeapRegionSize=32m", SparkSetup.executorJavaOptions("-XX:G1HeapRegionSize=32m"));
  }

  /** The scripts' JVMs (target/jvm-flags.txt, from the pom) and the executors use the same flags. */
  @Test
  void theScriptsAndTheExecutorsShareOneSetting() throws Exception {
    assertTrue(Files.readString(Path.of("target/jvm-flags.txt")).contains(SparkSetup.GC_FLAGS));
    assertEquals(SparkSetup.GC_FLAGS, Files.readString(Path.of("target/jvm-gc-flags.txt")).trim());
  }
}
