package io.sparkdnn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkdnn.data.DataException;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.EvaluationAccumulator;
import io.sparkdnn.model.Evaluator;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.report.TrainingReport;
import io.sparkdnn.store.Drift;
import io.sparkdnn.store.ModelStore;
import io.sparkdnn.store.PromotionGate;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.TrainingConfig;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scheduled retraining: train a new version into the store, compare it with production on the
 * same validation data, warn about drift, move the production pointer only if the gate passes,
 * and record the outcome under the run id — all under the model's lock, every file atomically.
 */
final class StoreRun {
  private static final Logger LOG = LoggerFactory.getLogger(StoreRun.class);
  static final int PROMOTED = 0;
  static final int KEPT_OLD = 3;

  private final Settings settings;
  private final TrainingRun training;
  private final PrintWriter out;

  StoreRun(Settings settings, PrintWriter out) {
    this.settings = settings;
    this.training = new TrainingRun(settings);
    this.out = out;
  }

  int run(SparkSession spark) {
    ModelStore store = new ModelStore(settings.string("store.path"), settings.string("store.name"),
        spark.sparkContext().hadoopConfiguration());
    String givenRunId = settings.optionalString("store.run-id");
    String runId = givenRunId != null ? givenRunId : "run-" + Instant.now().toString().replaceAll("[^0-9TZ]", "");
    if (givenRunId != null) {
      JsonNode done = store.runOutcome(runId);
      if (done != null) {
        out.println("run " + runId + " already finished at " + done.path("finished").asText() + ": version "
            + done.path("version").asText() + ", " + done.path("outcome").asText() + " — nothing to do");
        return done.path("exit_code").asInt(PROMOTED);
      }
    }
    PromotionGate gate = new PromotionGate(settings.string("store.promote.metric"),
        settings.number("store.promote.margin", 0, Double.MAX_VALUE), settings.bool("store.promote.force"));
    Drift drift = new Drift(settings.positive("store.drift.mean-shift"), settings.number("store.drift.std-ratio", 1, 1e9),
        settings.number("store.drift.label-shift", 0, 1));
    try (ModelStore.Lock lock = store.lock(runId)) {
      String version = store.runVersion(runId);
      String current = store.current();
      if (store.hasVersion(version)) {
        return finishWrittenVersion(store, runId, version, current);
      }
      String warmStart = settings.optionalString("model.warm-start");
      if ("current".equals(warmStart)) {
        if (current == null) {
          throw new DataException("model.warm-start = current, but model " + store.name()
              + " has no production version yet; train once without it");
        }
        warmStart = store.versionPath(current);
      }
      TrainingConfig config = training.config.toBuilder().checkpointDir(store.checkpointDir(runId)).build();
      AtomicReference<Map<String, Object>> decision = new AtomicReference<>();
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("model", store.name() + " " + version);
      facts.put("run", runId);
      facts.put("production before this run", current == null ? "none" : current);
      DnnModel production = current == null ? null
          : ModelReader.read(store.versionPath(current), spark.sparkContext().hadoopConfiguration(), "store");
      TrainingRun.Result result = training.run(spark, config, store.versionPath(version), false, warmStart, facts,
          (fit, model, report) -> {
            decision.set(decide(spark, gate, fit, model, current, production, report));
            model = model.withInfo("store", storeInfo(store.name(), version, runId, decision.get()));
            if (production != null && production.info().get("data_profile") != null) {
              Map<String, Object> d = driftOf(drift, production, model);
              report.drift(d);
              model = model.withInfo("drift", d);
            }
            return model;
          });
      String reason = String.valueOf(decision.get().get("reason"));
      boolean promoted = Boolean.TRUE.equals(decision.get().get("promoted"));
      if (promoted) {
        store.setCurrent(version, settings.bool("store.promote.force") ? "force-promote" : "promote", reason);
      }
      int exit = recordOutcome(store, runId, version, current, promoted, reason);
      out.println(TrainingRun.summary(result));
      out.println((promoted ? "promoted " + version + " to production" : "kept " + current + " in production")
          + ": " + reason);
      return exit;
    }
  }

  /**
   * An earlier attempt of this run wrote its version but died before moving the pointer: apply
   * the decision recorded in that version's metadata instead of training again.
   */
  private int finishWrittenVersion(ModelStore store, String runId, String version, String current) {
    DnnModel written = ModelReader.read(store.versionPath(version), new org.apache.hadoop.conf.Configuration(), "store");
    @SuppressWarnings("unchecked")
    Map<String, Object> recorded = (Map<String, Object>) written.info().get("store");
    @SuppressWarnings("unchecked")
    Map<String, Object> decision = recorded == null ? null : (Map<String, Object>) recorded.get("promotion");
    boolean promoted = decision != null && Boolean.TRUE.equals(decision.get("promoted"));
    String reason = decision == null ? "no decision recorded" : String.valueOf(decision.get("reason"));
    LOG.info("run {} already wrote {}; applying its recorded decision", runId, version);
    if (promoted && !version.equals(current)) {
      store.setCurrent(version, "promote", reason);
    }
    int exit = recordOutcome(store, runId, version, current, promoted, reason);
    out.println("run " + runId + " had written " + version + " before it stopped; "
        + (promoted ? "promoted it" : "kept " + current) + ": " + reason);
    return exit;
  }

  /** Marks the run finished with its outcome, so that a rerun of its id is a no-op; returns the exit status. */
  private static int recordOutcome(ModelStore store, String runId, String version, String current, boolean promoted,
      String reason) {
    int exit = promoted ? PROMOTED : KEPT_OLD;
    Map<String, Object> outcome = new LinkedHashMap<>();
    outcome.put("version", version);
    outcome.put("outcome", promoted ? "promoted" : "kept " + current);
    outcome.put("reason", reason);
    outcome.put("exit_code", exit);
    store.finishRun(runId, outcome);
    return exit;
  }

  /** Evaluates production on the new version's validation rows and applies the gate. */
  private Map<String, Object> decide(SparkSession spark, PromotionGate gate, DnnTrainer.Fit fit, DnnModel model,
      String current, DnnModel production, TrainingReport report) {
    Map<String, Object> mine = fit.result.validationMetrics();
    Map<String, Object> theirs = null;
    String why = null;
    if (production != null && mine != null) {
      why = notComparable(production, model);
      if (why == null) {
        Evaluator evaluator = new Evaluator(production.spec(), production.task(), production.scaling(),
            production.classCount(), training.config.engineBatchRows(), training.config.blas());
        Broadcast<float[]> weights = JavaSparkContext.fromSparkContext(spark.sparkContext())
            .broadcast(production.weights());
        spark.sparkContext().setJobDescription("production model on the new validation data");
        EvaluationAccumulator result = evaluator.evaluate(fit.packed.validation(), weights, 2);
        weights.destroy();
        theirs = result.toMetrics(production.classNames());
      }
    }
    report.comparison(mine, current, theirs);
    Map<String, Object> d = gate.decide(model.task() != Task.REGRESSION, mine, current, theirs, why);
    report.decision(d);
    LOG.info("promotion: {}", d.get("reason"));
    return d;
  }

  /** Why production cannot be scored on the new data, or null when it can. */
  static String notComparable(DnnModel production, DnnModel model) {
    if (production.task() != model.task()) {
      return "it is " + production.task().token() + ", the new version " + model.task().token();
    }
    if (!Arrays.equals(production.columns().featureColumns(), model.columns().featureColumns())
        || production.columns().width() != model.columns().width()) {
      return "its features differ from the new version's";
    }
    if (production.labels() != null && !production.labels().equals(model.labels())) {
      return "its classes " + Arrays.toString(production.classNames()) + " differ from "
          + Arrays.toString(model.classNames());
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> driftOf(Drift drift, DnnModel production, DnnModel model) {
    Map<String, Object> d = drift.compare((Map<String, Object>) production.info().get("data_profile"),
        (Map<String, Object>) model.info().get("data_profile"));
    int features = ((Number) d.get("drifted_features")).intValue();
    if (features > 0) {
      List<Map<String, Object>> top = (List<Map<String, Object>>) d.get("features");
      LOG.warn("drift: {} feature(s) moved beyond the thresholds since the production model's training data; "
          + "largest: {}", features, top.get(0).get("name"));
    }
    Object labels = d.get("label_distribution");
    if (labels instanceof Map && Boolean.TRUE.equals(((Map<String, Object>) labels).get("drifted"))) {
      LOG.warn("drift: the label distribution moved (total variation {})",
          ((Map<String, Object>) labels).get("total_variation"));
    }
    return d;
  }

  private static Map<String, Object> storeInfo(String name, String version, String runId, Map<String, Object> decision) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", name);
    s.put("version", version);
    s.put("run_id", runId);
    s.put("promotion", decision);
    return s;
  }
}
