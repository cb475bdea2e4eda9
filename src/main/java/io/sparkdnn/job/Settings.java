package io.sparkdnn.job;

import io.sparkdnn.files.Causes;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.sparkdnn.engine.Token;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Typed reads of loaded configuration, for {@link ConfigLoader} only: each read converts one key to
 * its type (whole number, number, true/false, list, map, or a value parsed by the typed
 * configuration's own parser) and every error names the key and where it was set. Ranges are not
 * checked here: the typed configuration's setters check them, once, for every route in.
 */
final class Settings {
  private final Config config;

  Settings(Config config) {
    this.config = config;
  }

  boolean isSet(String key) {
    return config.hasPath(key);
  }

  /** True when the key holds a map. */
  boolean isObject(String key) {
    return config.hasPath(key) && config.getValue(key).valueType() == ConfigValueType.OBJECT;
  }

  /** A string, or null when the key is null. */
  String optionalString(String key) {
    if (!config.hasPath(key)) {
      return null;
    }
    ConfigValue v = config.getValue(key);
    if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
      throw new ConfigException(key + " must be a single value, found " + render(key) + origin(key));
    }
    String s = String.valueOf(v.unwrapped());
    return s.isBlank() ? null : s;
  }

  /** A string that must be set (the defaults give every such key a value). */
  String string(String key) {
    String value = optionalString(key);
    if (value == null) {
      throw new ConfigException(key + " is not set" + JobConfig.hint(key));
    }
    return value;
  }

  /** A whole number in int range; fractions such as 2.5 are refused, not truncated. */
  int integer(String key) {
    long value = longValue(key);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new ConfigException(key + " must be a whole number up to " + Integer.MAX_VALUE + ", found " + value
          + origin(key));
    }
    return (int) value;
  }

  long longValue(String key) {
    String text = config.hasPath(key) ? String.valueOf(config.getValue(key).unwrapped()).trim() : "";
    try {
      return new BigDecimal(text).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConfigException(key + " must be a whole number, found " + render(key) + origin(key));
    }
  }

  /** A finite number. */
  double number(String key) {
    double value;
    try {
      value = config.getDouble(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(key + " must be a number, found " + render(key) + origin(key));
    }
    if (!Double.isFinite(value)) {
      throw new ConfigException(key + " must be a finite number, found " + render(key) + origin(key));
    }
    return value;
  }

  boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(key + " must be true or false, found " + render(key) + origin(key));
    }
  }

  /** A string or a list of strings, as a list (empty when null). */
  List<String> strings(String key) {
    if (!config.hasPath(key)) {
      return new ArrayList<>();
    }
    ConfigValue v = config.getValue(key);
    if (v.valueType() == ConfigValueType.LIST) {
      List<String> out = new ArrayList<>();
      for (Object o : (List<?>) v.unwrapped()) {
        if (o instanceof Map || o instanceof List) {
          throw new ConfigException(key + " must be a list of names, found " + render(key) + origin(key));
        }
        out.add(String.valueOf(o));
      }
      return out;
    }
    return new ArrayList<>(List.of(string(key)));
  }

  /**
   * A free-form map of strings (Spark settings, reader options). Nested keys are joined with dots,
   * so that {@code spark.conf.spark.default.parallelism = 1} and
   * {@code spark.conf { "spark.default.parallelism" = 1 }} mean the same.
   */
  Map<String, String> map(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!config.hasPath(key)) {
      return out;
    }
    ConfigObject object;
    try {
      object = config.getObject(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(key + " must be a map { name = value, ... }" + origin(key));
    }
    flatten(object, "", out, key);
    return out;
  }

  private void flatten(ConfigObject object, String prefix, Map<String, String> out, String key) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT) {
        flatten((ConfigObject) v, name, out, key);
      } else if (v.valueType() == ConfigValueType.LIST) {
        throw new ConfigException(key + "." + name + " must be a single value, found "
            + v.render(com.typesafe.config.ConfigRenderOptions.concise()) + origin(key));
      } else if (v.valueType() != ConfigValueType.NULL) {
        out.put(name, String.valueOf(v.unwrapped()));
      }
    }
  }

  /** A value parsed by {@code parser}, whose IllegalArgumentException becomes a keyed error. */
  <T> T parsed(String key, Function<String, T> parser) {
    String value = string(key);
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + Causes.firstLine(e) + origin(key));
    }
  }

  /** One of an enum's tokens: "KEY must be one of [a, b], found 'x'" otherwise. */
  <E extends Enum<E> & Token> E oneOf(String key, Class<E> type) {
    String value = string(key);
    List<String> tokens = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (e.token().equalsIgnoreCase(value.trim())) {
        return e;
      }
      tokens.add(e.token());
    }
    throw new ConfigException(key + " must be one of " + tokens + ", found '" + value + "'" + origin(key));
  }

  /** Where a key was set, for messages: " (file.conf: 12)", or nothing for the defaults. */
  String origin(String key) {
    if (!config.hasPath(key)) {
      return "";
    }
    String description = config.getValue(key).origin().description();
    return description == null || description.contains("defaults.conf") ? "" : " (" + description + ")";
  }

  private String render(String key) {
    if (!config.hasPath(key)) {
      return "nothing";
    }
    ConfigValue v = config.getValue(key);
    // concise: a list or object on one line (the default rendering spans lines, and an error line is one)
    if (v.valueType() == ConfigValueType.STRING) {
      String text = String.valueOf(v.unwrapped());
      return text.isBlank() ? "an empty value" : text;
    }
    return v.render(com.typesafe.config.ConfigRenderOptions.concise());
  }
}
