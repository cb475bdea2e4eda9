package io.sparkdnn.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads configuration: the defaults shipped in the jar (conf/defaults.conf), a job file, then
 * {@code --set key=value} overrides, later ones winning. Keys that the defaults do not list are
 * errors (with the nearest known key suggested), except inside free-form maps.
 */
public final class ConfigLoader {
  static final String DEFAULTS = "io/sparkdnn/defaults.conf";
  /** Maps whose keys are the user's own (Spark settings, reader options). */
  private static final List<String> FREE_FORM = List.of(
      "spark.conf", "data.train.options", "data.validation.options", "data.test.options",
      "predict.input.options", "evaluate.input.options");

  private ConfigLoader() {}

  public static Settings load(File file, List<String> overrides) {
    Config defaults = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), DEFAULTS,
        ConfigParseOptions.defaults().setAllowMissing(false));
    Set<String> known = leafPaths(defaults.root(), "");
    Config config = defaults;
    if (file != null) {
      if (!file.isFile()) {
        throw new ConfigException("configuration file not found: " + file);
      }
      Config user;
      try {
        user = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF));
      } catch (com.typesafe.config.ConfigException e) {
        throw new ConfigException("cannot read " + file + ": " + e.getMessage());
      }
      checkKnown(user, known, "in " + file);
      config = user.withFallback(config);
    }
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--set expects key=value, found '" + override + "'");
      }
      String key = override.substring(0, eq).trim();
      String value = override.substring(eq + 1).trim();
      Config single;
      try {
        single = ConfigFactory.empty().withValue(key, parseValue(value, key));
      } catch (com.typesafe.config.ConfigException e) {
        throw new ConfigException("--set " + override + ": " + e.getMessage());
      }
      checkKnown(single, known, "in --set");
      config = single.withFallback(config);
    }
    try {
      return new Settings(config.resolve());
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /** Lists ([a, b]) and maps ({...}) as HOCON; null, numbers and booleans as such; else a string. */
  private static ConfigValue parseValue(String value, String key) {
    if (value.startsWith("[") || value.startsWith("{")) {
      return ConfigFactory.parseString("v = " + value).getValue("v");
    }
    if (value.equals("null")) {
      return ConfigValueFactory.fromAnyRef(null);
    }
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    return ConfigValueFactory.fromAnyRef(value, "--set " + key);
  }

  private static void checkKnown(Config user, Set<String> known, String where) {
    for (String path : leafPaths(user.root(), "")) {
      if (known.contains(path) || isFreeForm(path)) {
        continue;
      }
      String hint = nearest(path, known);
      throw new ConfigException("unknown configuration key '" + path + "' " + where
          + (hint != null ? "; did you mean " + hint + "?" : "")
          + " (every key is listed in conf/defaults.conf)");
    }
  }

  private static boolean isFreeForm(String path) {
    for (String prefix : FREE_FORM) {
      if (path.startsWith(prefix + ".") || path.equals(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Paths of every leaf, including nulls (which Config.entrySet leaves out) and empty maps. */
  static Set<String> leafPaths(ConfigObject object, String prefix) {
    Set<String> paths = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String path = prefix.isEmpty() ? quoteIfNeeded(e.getKey()) : prefix + "." + quoteIfNeeded(e.getKey());
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT && !((ConfigObject) v).isEmpty() && !isFreeForm(path)) {
        paths.addAll(leafPaths((ConfigObject) v, path));
      } else {
        paths.add(path);
      }
    }
    return paths;
  }

  private static String quoteIfNeeded(String key) {
    return key.contains(".") ? "\"" + key + "\"" : key;
  }

  private static String nearest(String path, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(path, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(3, path.length() / 4) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
