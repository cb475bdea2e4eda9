package io.sparkdnn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.scoring.ImportanceSettings;
import io.sparkdnn.train.RangeTestSettings;
import io.sparkdnn.train.TrainingConfig;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * conf/defaults.conf documents every key and its default; the typed configuration states the same
 * defaults in its builders (which the Spark ML API starts from). These tests hold the two equal.
 */
class DefaultsTest {
  private static final String LAYERS = "7-5relu-3softmax";

  private static JobConfig loadedDefaults() {
    return ConfigLoader.load(null, List.of("network.layers=" + LAYERS));
  }

  /** Every key of the file maps to a field of the typed configuration, and every field to a key. */
  @Test
  void everyKeyMapsToAField() {
    Set<String> file = new TreeSet<>(ConfigLoader.knownKeys());
    Set<String> typed = new TreeSet<>(loadedDefaults().toConfiguration().keySet());
    Set<String> onlyInFile = new TreeSet<>(file);
    onlyInFile.removeAll(typed);
    Set<String> onlyTyped = new TreeSet<>(typed);
    onlyTyped.removeAll(file);
    assertTrue(onlyInFile.isEmpty(), "keys in conf/defaults.conf with no typed field: " + onlyInFile);
    assertTrue(onlyTyped.isEmpty(), "typed fields with no key in conf/defaults.conf: " + onlyTyped);
  }

  /** The value the file gives each key is the value the typed configuration holds after loading it. */
  @Test
  void loadingTheFileKeepsEveryValue() {
    Config file = ConfigFactory.parseFile(new File("conf/defaults.conf"));
    Map<String, String> typed = loadedDefaults().toConfiguration();
    for (String key : ConfigLoader.knownKeys()) {
      if (key.equals("network.layers")) {
        continue; // null in the file; set here to get the training section
      }
      if (key.equals("network.task")) {
        // auto is resolved from the network's loss: the typed form records what it became
        assertEquals("auto", render(at(file, key)));
        assertEquals("multiclass", typed.get(key));
        continue;
      }
      assertSameValue(key, render(at(file, key)), typed.get(key));
    }
  }

  /** The builders' defaults (what the Spark ML estimators start from) are the file's. */
  @Test
  void builderDefaultsAreTheFilesDefaults() {
    JobConfig loaded = loadedDefaults();
    NetworkSpec spec = NetworkSpec.parse(LAYERS);
    assertEquals(loaded.requireTraining().toConfiguration(), TrainingConfig.builder(spec).build().toConfiguration());
    assertEquals(loaded.data().toConfiguration(), DataSettings.builder().build().toConfiguration());
    TrainingConfig typed = TrainingConfig.builder(spec).build();
    assertEquals(loaded.requireTraining().checkpointEvery(), typed.checkpointEvery());
    assertEquals(loaded.requireTraining().checkpointKeep(), typed.checkpointKeep());
    assertEquals(loaded.requireTraining().resume(), typed.resume());
    assertEquals(loaded.requireTraining().checkpointDir(), typed.checkpointDir());
    assertEquals(loaded.importance().settings().toConfiguration(),
        ImportanceSettings.builder().build().toConfiguration());
    assertEquals(loaded.lrFind().settings().toConfiguration(), RangeTestSettings.builder().build().toConfiguration());
  }

  /** The value at a dotted path, nulls included (Config.getValue refuses those). */
  private static ConfigValue at(Config file, String key) {
    ConfigValue v = file.root();
    for (String part : key.split("\\.")) {
      v = ((ConfigObject) v).get(part);
    }
    return v;
  }

  private static String render(ConfigValue v) {
    if (v.valueType() == ConfigValueType.NULL) {
      return "null";
    }
    if (v.valueType() == ConfigValueType.LIST || v.valueType() == ConfigValueType.OBJECT) {
      return v.render(ConfigRenderOptions.concise());
    }
    return String.valueOf(v.unwrapped());
  }

  private static void assertSameValue(String key, String fromFile, String typed) {
    Double a = number(fromFile);
    Double b = number(typed);
    if (a != null && b != null) {
      assertEquals(a, b, 0, key);
    } else if (fromFile.startsWith("\"") || fromFile.startsWith("[") || fromFile.startsWith("{")) {
      assertEquals(fromFile, typed, key);
    } else {
      // a single string in the file may be a one-element list in the typed form (data.features)
      assertTrue(typed.equals(fromFile) || typed.equals("[\"" + fromFile + "\"]"), key + ": file " + fromFile
          + ", typed " + typed);
    }
  }

  private static Double number(String s) {
    try {
      return Double.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
