package io.sparkdnn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

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
}
