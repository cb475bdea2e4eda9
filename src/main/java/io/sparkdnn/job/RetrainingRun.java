package io.sparkdnn.job;

import io.sparkdnn.data.DataException;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.model.TrainingRecord;
import io.sparkdnn.report.TrainingReport;
import io.sparkdnn.results.DriftReport;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.PromotionDecision;
import io.sparkdnn.scoring.Evaluator;
import io.sparkdnn.store.ModelStore;
import io.sparkdnn.store.RunOutcome;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.TrainingConfig;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
public final class RetrainingRun {
  private static final Logger LOG = LoggerFactory.getLogger(RetrainingRun.class);
  /** Exit status: the new version is production. */
  public static final int PROMOTED = 0;
  /** Exit status: the new version was written, production stayed as it was. */
  public static final int KEPT_OLD = 3;

  private final JobConfig job;
  private final JobConfig.StoreSettings settings;
  private final TrainingRun training;

  /** @throws ConfigException when the store, the network or the training data is not configured */
  public RetrainingRun(JobConfig job) {
    this.job = job;
    this.settings = job.store();
    JobConfig.require(settings.path(), "store.path");
    JobConfig.require(settings.name(), "store.name");
    this.training = new TrainingRun(job);
  }

  /**
   * How the run ended.
   *
   * @param trained the training run; null when nothing was trained (a rerun of a finished run, or
   *     one that only had to apply an earlier attempt's decision)
   * @param message what happened, one line for people
   * @param exitCode {@link #PROMOTED} or {@link #KEPT_OLD}
   */
  public record Outcome(TrainingRun.Result trained, String message, int exitCode) {}

  /**
   * Trains a new version under the model's lock and applies the gate; with model.warm-start =
   * current, starts from production's weights, or from scratch (and says so) when there is no
   * production version yet.
   *
   * @throws ModelStore.LockedException when another run holds the model
   * @throws IllegalStateException when CURRENT points at a version that is not in the store
   */
  public Outcome run(SparkSession spark) {
    ModelStore store = new ModelStore(settings.path(), settings.name(), spark.sparkContext().hadoopConfiguration());
    String givenRunId = settings.runId();
    String runId = givenRunId != null ? givenRunId : "run-" + Instant.now().toString().replaceAll("[^0-9TZ]", "");
    if (givenRunId != null) {
      RunOutcome done = store.runOutcome(runId);
      if (done != null) {
        // Its version may have gone since (dnn prune): the run is still done, and the line says so.
        String gone = done.version() != null && !store.hasVersion(done.version()) ? " (no longer in the store)" : "";
        return new Outcome(null, "run " + runId + " already finished at " + done.finished() + ": version "
            + done.version() + gone + ", " + done.outcome() + " — nothing to do", done.exitCode());
      }
    }
    try (ModelStore.Lock lock = store.lock(runId)) {
      String version = store.runVersion(runId);
      String current = store.usableProduction();
      if (store.hasVersion(version)) {
        return finishWrittenVersion(spark, store, lock, runId, version, current);
      }
      String warmStart = job.model().warmStart();
      String fromScratch = null;
      if ("current".equals(warmStart)) {
        if (current == null) {
          // night one of a scheduled job: nothing to start from yet, and the scheduler cannot special-case it
          fromScratch = "trained from scratch (model.warm-start = current, and model " + store.name()
              + " had no production version to start from)";
          LOG.info("{}", fromScratch);
          warmStart = null;
        } else {
          warmStart = store.versionPath(current);
        }
      }
      TrainingConfig config = job.requireTraining().toBuilder().checkpointDir(store.checkpointDir(runId)).build();
      AtomicReference<PromotionDecision> decision = new AtomicReference<>();
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("model", store.name() + " " + version);
      facts.put("run", runId);
      facts.put("production before this run", current == null ? "none" : current);
      if (job.model().warmStart() != null) {
        facts.put("warm start", fromScratch != null ? "none: " + fromScratch : warmStart);
      }
      DnnModel production = current == null ? null
          : ModelReader.read(store.versionPath(current), spark.sparkContext().hadoopConfiguration(), "store");
      TrainingRun.Result result = training.run(spark, config, store.versionPath(version), false, warmStart, facts,
          (fit, model, report) -> {
            decision.set(decide(spark, config, fit, model, current, production, report));
            TrainingRecord record = model.record()
                .withStore(new TrainingRecord.StoreRecord(store.name(), version, runId, decision.get()));
            if (production != null && production.record().dataProfile() != null
                && record.dataProfile() != null) {
              DriftReport d = driftOf(production, record);
              report.drift(d);
              record = record.withDrift(d);
            }
            return model.withRecord(record);
          });
      String reason = decision.get().reason();
      boolean promoted = decision.get().promoted();
      if (promoted) {
        lock.setCurrent(version, settings.force() ? "force-promote" : "promote", reason);
      }
      int exit = recordOutcome(store, runId, version, current, promoted, reason);
      return new Outcome(result, (promoted ? "promoted " + version + " to production" : "kept " + current
          + " in production") + ": " + reason + (fromScratch == null ? "" : "; " + fromScratch), exit);
    }
  }

  /**
   * An earlier attempt of this run wrote its version but died before moving the pointer: apply
   * the decision recorded in that version's metadata instead of training again.
   */
  private Outcome finishWrittenVersion(SparkSession spark, ModelStore store, ModelStore.Lock lock, String runId,
      String version, String current) {
    DnnModel written = ModelReader.read(store.versionPath(version), spark.sparkContext().hadoopConfiguration(),
        "store");
    TrainingRecord.StoreRecord recorded = written.record().store();
    PromotionDecision decision = recorded == null ? null : recorded.promotion();
    boolean promoted = decision != null && decision.promoted();
    String reason = decision == null ? "no decision recorded" : decision.reason();
    LOG.info("run {} already wrote {}; applying its recorded decision", runId, version);
    if (promoted && !version.equals(current)) {
      lock.setCurrent(version, "promote", reason);
    }
    int exit = recordOutcome(store, runId, version, current, promoted, reason);
    return new Outcome(null, "run " + runId + " had written " + version + " before it stopped; "
        + (promoted ? "promoted it" : "kept " + current) + ": " + reason, exit);
  }

  /** Marks the run finished with its outcome, so that a rerun of its id is a no-op; returns the exit status. */
  private static int recordOutcome(ModelStore store, String runId, String version, String current, boolean promoted,
      String reason) {
    int exit = promoted ? PROMOTED : KEPT_OLD;
    store.finishRun(runId, version, promoted ? "promoted" : "kept " + current, reason, exit);
    return exit;
  }

  /** Evaluates production on the new version's validation rows and applies the gate. */
  private PromotionDecision decide(SparkSession spark, TrainingConfig config, DnnTrainer.Fit fit, DnnModel model,
      String current, DnnModel production, TrainingReport report) {
    EvaluationResult mine = fit.result.validationMetrics();
    EvaluationResult theirs = null;
    String why = null;
    if (production != null && mine != null) {
      why = notComparable(production, model);
      if (why == null) {
        Evaluator evaluator = Evaluator.of(production, config.engineBatchRows(), config.blas());
        Broadcast<float[]> weights = JavaSparkContext.fromSparkContext(spark.sparkContext())
            .broadcast(production.weights());
        String overlap = heldOutOverlap(production.record().configuration(), model.record().configuration(),
            job.validationSource() != null);
        if (overlap != null) {
          LOG.warn("promotion: {}", overlap);
        }
        spark.sparkContext().setJobDescription("production model on the new validation data");
        theirs = evaluator.evaluate(fit.packed.validation(), weights, 2).result(production.classNames());
        weights.destroy();
      }
    }
    report.comparison(mine, current, theirs);
    PromotionDecision d = settings.gate().decide(model.task(), mine, current, theirs, why);
    report.decision(d);
    LOG.info("promotion: {}", d.reason());
    return d;
  }

  /**
   * Why the new version's validation rows, held out of the training data, may include rows that
   * production trained on — a split drawn with another seed or fraction (the split is a hash of the
   * seed and the row number) — or null when they cannot: a separate validation file, or the same
   * seed and fraction, or a production model that did not record them. Such rows favour production in
   * the comparison.
   *
   * @param production the production model's recorded configuration
   * @param current this version's
   */
  static String heldOutOverlap(Map<String, String> production, Map<String, String> current, boolean validationFile) {
    String seed = "training.seed";
    String fraction = "data.validation-fraction";
    if (validationFile || production.get(seed) == null) { // a file; or a model that did not record its split
      return null;
    }
    if (java.util.Objects.equals(production.get(seed), current.get(seed))
        && java.util.Objects.equals(production.get(fraction), current.get(fraction))) {
      return null;
    }
    return "production was trained with " + seed + " = " + production.get(seed) + " and " + fraction + " = "
        + production.get(fraction) + ", this version with " + current.get(seed) + " and " + current.get(fraction)
        + ": the rows held out for validation now include rows production trained on, which favours it in the "
        + "comparison; keep " + seed + " and " + fraction + " fixed across versions, or set data.validation.path";
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

  private DriftReport driftOf(DnnModel production, TrainingRecord record) {
    DriftReport d = settings.drift().compare(production.record().dataProfile(), record.dataProfile());
    if (d.driftedFeatures() > 0) {
      LOG.warn("drift: {} feature(s) moved beyond the thresholds since the production model's training data; "
          + "largest: {}", d.driftedFeatures(), d.features().get(0).name());
    }
    if (d.labels() != null && d.labels().drifted()) {
      LOG.warn("drift: the label distribution moved (total variation {})", d.labels().totalVariation());
    }
    return d;
  }
}
