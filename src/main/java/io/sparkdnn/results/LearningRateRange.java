package io.sparkdnn.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a learning-rate range test: the training loss at each step of an exponentially
 * growing learning rate, its smoothed form, where the test stopped and why, and the suggested rate.
 *
 * @param points every step that completed with a finite loss, in order
 * @param suggested the suggested learning rate: {@code minLossRate / 10}
 * @param minLossRate the rate at the lowest smoothed loss
 * @param minLoss that lowest smoothed loss
 * @param steepestRate the rate where the smoothed loss fell fastest per decade of rate, before the
 *     minimum, over windows as long as the smoothing's memory (NaN when the curve is too short):
 *     shown for comparison
 * @param stopReason why the test ended (divergence, or the last rate reached)
 * @param mode how the steps were taken: "local" (each partition steps through the rates on its
 *     own rows, losses averaged across partitions per step) or "sync" (one global step per round)
 * @param batchRows rows per step in each partition (local) or in the whole round (sync, approximate)
 * @param seconds wall time of the test
 */
public record LearningRateRange(List<Point> points, double suggested, double minLossRate, double minLoss,
    double steepestRate, String stopReason, double minRate, double maxRate, int steps, double smoothing,
    double stopFactor, long seed, String mode, long batchRows, double seconds) {

  /** The rule behind {@link #suggested()}, for logs and the report. */
  public static final String RULE = "a tenth of the rate at the lowest smoothed loss";

  public LearningRateRange {
    points = List.copyOf(points);
  }

  /** One step: its 0-based index, the rate it used, the mean loss of its batch(es), the smoothed loss. */
  public record Point(int step, double rate, double loss, double smoothed) {}

  /** The one line the log and the command print. */
  public String oneLine() {
    return String.format(Locale.ROOT, "lr-find: suggested learning rate %.3g (%s, %.3g, where the smoothed loss "
        + "was %.4g; steepest descent at %.3g); %d steps from %.3g, %s", suggested, RULE, minLossRate, minLoss,
        steepestRate, points.size(), minRate, stopReason);
  }

  /** lr-find.json: the settings, the suggestion and every point. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    Json.putFinite(o, "suggested_learning_rate", suggested);
    o.put("rule", RULE);
    Json.putFinite(o, "min_loss_learning_rate", minLossRate);
    Json.putFinite(o, "min_smoothed_loss", minLoss);
    Json.putFinite(o, "steepest_learning_rate", steepestRate);
    o.put("stop_reason", stopReason);
    o.put("min_rate", minRate);
    o.put("max_rate", maxRate);
    o.put("steps", steps);
    o.put("smoothing", smoothing);
    o.put("stop_factor", stopFactor);
    o.put("seed", seed);
    o.put("mode", mode);
    o.put("batch_rows", batchRows);
    o.put("seconds", seconds);
    ArrayNode list = o.putArray("points");
    for (Point p : points) {
      ObjectNode e = list.addObject();
      e.put("step", p.step());
      e.put("learning_rate", p.rate());
      e.put("loss", p.loss());
      e.put("smoothed_loss", p.smoothed());
    }
    return o;
  }

  /** Reads {@link #toJson()}'s form back. */
  public static LearningRateRange fromJson(JsonNode o) {
    List<Point> points = new ArrayList<>();
    for (JsonNode e : o.path("points")) {
      points.add(new Point(e.path("step").asInt(), e.path("learning_rate").asDouble(), e.path("loss").asDouble(),
          e.path("smoothed_loss").asDouble()));
    }
    return new LearningRateRange(points, Json.number(o, "suggested_learning_rate"),
        Json.number(o, "min_loss_learning_rate"), Json.number(o, "min_smoothed_loss"),
        Json.number(o, "steepest_learning_rate"), Json.text(o, "stop_reason"), o.path("min_rate").asDouble(),
        o.path("max_rate").asDouble(), o.path("steps").asInt(), o.path("smoothing").asDouble(),
        o.path("stop_factor").asDouble(), o.path("seed").asLong(), Json.text(o, "mode"),
        o.path("batch_rows").asLong(), o.path("seconds").asDouble());
  }

  /** lr-find.csv: step, learning_rate, loss, smoothed_loss. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("step,learning_rate,loss,smoothed_loss\n");
    for (Point p : points) {
      sb.append(String.format(Locale.ROOT, "%d,%.6g,%.6g,%.6g%n", p.step(), p.rate(), p.loss(), p.smoothed()));
    }
    return sb.toString();
  }
}
