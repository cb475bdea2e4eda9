package io.sparkdnn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.files.PosixLocalFileSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local run listens on 127.0.0.1 only, unless the user says otherwise; a cluster run is left alone. */
class SparkSessionsTest {
  @Test
  void localModeBindsToLoopback() {
    Map<String, String> local = SparkSessions.settingsFor("local[*]", Map.of(), new SparkConf(false));
    assertEquals("127.0.0.1", local.get("spark.driver.bindAddress"));
    assertEquals("127.0.0.1", local.get("spark.driver.host"));
  }

  @Test
  void theUsersSettingWinsAndClustersAreLeftAlone() {
    Map<String, String> opened = SparkSessions.settingsFor("local[2]", Map.of("spark.driver.bindAddress", "0.0.0.0"),
        new SparkConf(false));
    assertEquals("0.0.0.0", opened.get("spark.driver.bindAddress"));
    Map<String, String> submitted = SparkSessions.settingsFor("local[2]", Map.of(),
        new SparkConf(false).set("spark.driver.host", "10.0.0.5"));
    assertFalse(submitted.containsKey("spark.driver.host"), "spark-submit's setting is not overridden");
    Map<String, String> cluster = SparkSessions.settingsFor("spark://master:7077", Map.of(), new SparkConf(false));
    assertFalse(cluster.containsKey("spark.driver.bindAddress"));
  }

  /**
   * Files are written without a chmod process per file where every task runs in this JVM; executors
   * in other JVMs (local-cluster, a cluster) keep Hadoop's class, which their class loaders find.
   */
  @Test
  void localMastersWriteFilesWithoutAProcessPerFile() {
    String key = "spark.hadoop.fs.file.impl";
    assertEquals(PosixLocalFileSystem.class.getName(),
        SparkSessions.settingsFor("local[2]", Map.of(), new SparkConf(false)).get(key));
    assertEquals(PosixLocalFileSystem.class.getName(),
        SparkSessions.settingsFor("local", Map.of(), new SparkConf(false)).get(key));
    assertFalse(SparkSessions.settingsFor("local-cluster[2,1,1024]", Map.of(), new SparkConf(false)).containsKey(key));
    assertFalse(SparkSessions.settingsFor("spark://master:7077", Map.of(), new SparkConf(false)).containsKey(key));
    assertEquals("org.apache.hadoop.fs.LocalFileSystem", SparkSessions.settingsFor("local[2]",
        Map.of(key, "org.apache.hadoop.fs.LocalFileSystem"), new SparkConf(false)).get(key), "the user's setting wins");
    assertFalse(SparkSessions.settingsFor("local[2]", Map.of(), new SparkConf(false).set(key, "x")).containsKey(key),
        "spark-submit's setting is not overridden");
  }

  /**
   * local-cluster's workers start executors from a Spark installation; without one Spark logs a
   * stack trace per executor and waits. Refused first, in one line, with what to do.
   */
  @Test
  void aLocalClusterWithoutASparkInstallationIsRefusedFirst(@TempDir Path home) throws IOException {
    String master = "local-cluster[2,1,1024]";
    String refusal = SparkSessions.localClusterWithoutSpark(master, home.toString());
    assertTrue(refusal.startsWith("spark.master = local-cluster[2,1,1024] starts its executors from a Spark "
        + "installation, but SPARK_HOME=" + home + " has no jars/ directory; set SPARK_HOME"), refusal);
    assertTrue(SparkSessions.localClusterWithoutSpark(master, null).contains("SPARK_HOME is not set"));
    Files.createDirectory(home.resolve("jars"));
    assertNull(SparkSessions.localClusterWithoutSpark(master, home.toString()));
    assertNull(SparkSessions.localClusterWithoutSpark("local[2]", null), "other masters need no installation");
    assertNull(SparkSessions.localClusterWithoutSpark("spark://master:7077", null));
  }
}
