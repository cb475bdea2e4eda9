package io.sparkdnn.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Permutation feature importance of a model on labelled rows: for each input unit (a column, a
 * slot of a vector column, or a group of slots that one source column was expanded into), how much
 * worse {@code metric} gets when that unit's values are shuffled across rows, over {@code repeats}
 * shuffles. "Worse" is always positive: baseline − permuted for accuracy, permuted − baseline for
 * loss, RMSE and MAE. Units are listed most important first.
 *
 * @param metric the metric compared (accuracy, loss, rmse or mae)
 * @param baseline the metric on the rows as they are
 * @param rows rows evaluated (a seeded sample when the data held more than importance.max-rows)
 * @param grouping how units were formed, for readers ("one unit per slot", "groups from …")
 * @param passes Spark jobs the computation took (one regrouping shuffle, one evaluation pass)
 * @param seconds wall time of the computation
 */
public record FeatureImportance(MetricName metric, double baseline, long rows, int repeats, long seed,
    String grouping, int passes, double seconds, List<Unit> units) {

  public FeatureImportance {
    units = List.copyOf(units);
  }

  /**
   * One unit: its name, the input slots it covers (0-based positions in the network's input), and
   * the metric's drop per repetition with its mean, standard deviation (sample, n − 1; 0 for one
   * repetition), minimum and maximum.
   */
  public record Unit(String name, int[] slots, double[] drops) {
    public double mean() {
      double s = 0;
      for (double d : drops) {
        s += d;
      }
      return s / drops.length;
    }

    public double std() {
      if (drops.length < 2) {
        return 0;
      }
      double m = mean();
      double s = 0;
      for (double d : drops) {
        s += (d - m) * (d - m);
      }
      return Math.sqrt(s / (drops.length - 1));
    }

    public double min() {
      double v = Double.POSITIVE_INFINITY;
      for (double d : drops) {
        v = Math.min(v, d);
      }
      return v;
    }

    public double max() {
      double v = Double.NEGATIVE_INFINITY;
      for (double d : drops) {
        v = Math.max(v, d);
      }
      return v;
    }
  }

  /** The unit named {@code name}, or null. */
  public Unit unit(String name) {
    for (Unit u : units) {
      if (u.name().equals(name)) {
        return u;
      }
    }
    return null;
  }

  /** 1-based rank of the unit named {@code name} (1 = most important), or −1. */
  public int rank(String name) {
    for (int i = 0; i < units.size(); i++) {
      if (units.get(i).name().equals(name)) {
        return i + 1;
      }
    }
    return -1;
  }

  /** What "drop" means for this metric, for headings: "accuracy drop", "loss increase". */
  public String dropLabel() {
    return metric.token() + (metric.higherIsBetter() ? " drop" : " increase");
  }

  /** importance.json: the settings, the baseline and every unit with its drops. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("metric", metric.token());
    o.put("importance", dropLabel());
    Json.putFinite(o, "baseline", baseline);
    o.put("rows", rows);
    o.put("repeats", repeats);
    o.put("seed", seed);
    o.put("grouping", grouping);
    o.put("passes", passes);
    o.put("seconds", seconds);
    ArrayNode list = o.putArray("units");
    for (Unit u : units) {
      ObjectNode e = list.addObject();
      e.put("name", u.name());
      ArrayNode slots = e.putArray("slots");
      for (int s : u.slots()) {
        slots.add(s);
      }
      e.put("mean", u.mean());
      e.put("std", u.std());
      e.put("min", u.min());
      e.put("max", u.max());
      ArrayNode drops = e.putArray("drops");
      for (double d : u.drops()) {
        drops.add(d);
      }
    }
    return o;
  }

  /** Reads {@link #toJson()}'s form back. */
  public static FeatureImportance fromJson(JsonNode o) {
    List<Unit> units = new ArrayList<>();
    for (JsonNode e : o.path("units")) {
      int[] slots = new int[e.path("slots").size()];
      for (int i = 0; i < slots.length; i++) {
        slots[i] = e.path("slots").get(i).asInt();
      }
      double[] drops = new double[e.path("drops").size()];
      for (int i = 0; i < drops.length; i++) {
        drops[i] = e.path("drops").get(i).asDouble();
      }
      units.add(new Unit(e.path("name").asText(), slots, drops));
    }
    return new FeatureImportance(MetricName.fromToken(o.path("metric").asText()), Json.number(o, "baseline"),
        o.path("rows").asLong(), o.path("repeats").asInt(), o.path("seed").asLong(), Json.text(o, "grouping"),
        o.path("passes").asInt(), o.path("seconds").asDouble(), units);
  }

  /** importance.csv: rank, name, slots, mean, std, min, max — one line per unit. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("rank,name,slots,mean,std,min,max\n");
    for (int i = 0; i < units.size(); i++) {
      Unit u = units.get(i);
      sb.append(i + 1).append(',').append(csv(u.name())).append(',').append(u.slots().length)
          .append(String.format(Locale.ROOT, ",%.6g,%.6g,%.6g,%.6g%n", u.mean(), u.std(), u.min(), u.max()));
    }
    return sb.toString();
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
