package io.sparkdnn.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Typed, checked access to loaded configuration; every error names the key and where it was set. */
public final class Settings {
  private final Config config;

  Settings(Config config) {
    this.config = config;
  }

  public boolean isSet(String key) {
    return config.hasPath(key);
  }

  /** A required string. */
  public String string(String key) {
    String value = optionalString(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException(key + " is not set" + hint(key));
    }
    return value;
  }

  /** A string, or null when the key is null. */
  public String optionalString(String key) {
    if (!config.hasPath(key)) {
      return null;
    }
    ConfigValue v = config.getValue(key);
    if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
      throw new ConfigException(key + " must be a single value, found " + v.render() + origin(key));
    }
    return String.valueOf(v.unwrapped());
  }

  public int integer(String key, int min, int max) {
    long value;
    try {
      value = config.getLong(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(key + " must be a whole number, found " + render(key) + origin(key));
    }
    if (value < min || value > max) {
      throw new ConfigException(key + " must be between " + min + " and " + max + ", found " + value + origin(key));
    }
    return (int) value;
  }

  public long longValue(String key) {
    try {
      return config.getLong(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(key + " must be a whole number, found " + render(key) + origin(key));
    }
  }

  /** A number in [min, max]. */
  public double number(String key, double min, double max) {
    double value;
    try {
      value = config.getDouble(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(key + " must be a number, found " + render(key) + origin(key));
    }
    if (!(value >= min && value <= max)) {
      throw new ConfigException(key + " must be between " + min + " and " + max + ", found " + value + origin(key));
    }
    return value;
  }

  /** A number > 0 (and finite). */
  public double positive(String key) {
    double value = number(key, 0, Double.MAX_VALUE);
    if (value == 0) {
      throw new ConfigException(key + " must be greater than 0" + origin(key));
    }
    return value;
  }

  public boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(key + " must be true or false, found " + render(key) + origin(key));
    }
  }

  /** A string or a list of strings, as a list. */
  public List<String> strings(String key) {
    if (!config.hasPath(key)) {
      return new ArrayList<>();
    }
    ConfigValue v = config.getValue(key);
    if (v.valueType() == ConfigValueType.LIST) {
      List<String> out = new ArrayList<>();
      for (Object o : (List<?>) v.unwrapped()) {
        out.add(String.valueOf(o));
      }
      return out;
    }
    return new ArrayList<>(List.of(string(key)));
  }

  /** A free-form map of strings (e.g. reader options). */
  public Map<String, String> map(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!config.hasPath(key)) {
      return out;
    }
    try {
      for (Map.Entry<String, ConfigValue> e : config.getObject(key).entrySet()) {
        out.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
      }
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(key + " must be a map { name = value, ... }" + origin(key));
    }
    return out;
  }

  /** A value parsed by {@code parser}, whose IllegalArgumentException becomes a keyed error. */
  public <T> T parsed(String key, Function<String, T> parser) {
    String value = string(key);
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage() + origin(key));
    }
  }

  private String render(String key) {
    return config.hasPath(key) ? config.getValue(key).render() : "nothing";
  }

  private String origin(String key) {
    if (!config.hasPath(key)) {
      return "";
    }
    String description = config.getValue(key).origin().description();
    return description == null || description.contains("defaults.conf") ? "" : " (" + description + ")";
  }

  private static String hint(String key) {
    switch (key) {
      case "network.layers":
        return "; give the network, e.g. --set network.layers=784-256relu-128relu-10softmax";
      case "data.train.path":
        return "; give the training data, e.g. --set data.train.path=data/train.parquet";
      case "model.path":
        return "; say where to write the model, e.g. --set model.path=models/my-model";
      default:
        return "";
    }
  }
}
