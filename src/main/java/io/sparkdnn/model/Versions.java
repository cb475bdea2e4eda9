package io.sparkdnn.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions of this project, Spark and Java, recorded in every model. */
public final class Versions {
  private static final Properties BUILD = load();

  private Versions() {}

  public static String project() {
    return BUILD.getProperty("version", "unknown");
  }

  public static Map<String, String> all() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("spark-dnn", project());
    v.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    v.put("scala", scala.util.Properties.versionNumberString());
    v.put("java", System.getProperty("java.version"));
    return v;
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream("/io/sparkdnn/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // versions are informational
    }
    return p;
  }
}
