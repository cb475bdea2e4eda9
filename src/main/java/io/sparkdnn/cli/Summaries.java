package io.sparkdnn.cli;

import io.sparkdnn.job.ProgressReporter;
import io.sparkdnn.job.TrainingRun;
import io.sparkdnn.results.EvaluationResult;
import java.util.Locale;

/** What the commands print about finished runs. */
final class Summaries {
  private Summaries() {}

  /** "trained N epochs … model written to PATH", then the validation and test metrics. */
  static String training(TrainingRun.Result r) {
    StringBuilder sb = new StringBuilder();
    int resumed = r.fit().resumedEpochs;
    sb.append(String.format(Locale.ROOT, "trained %d epochs%s in %s (data loading %s); model written to %s",
        r.fit().result.state().epochsDone(),
        resumed > 0 ? " (" + resumed + " of them before resuming from a checkpoint)" : "",
        ProgressReporter.duration(r.fit().result.seconds()), ProgressReporter.duration(r.fit().packSeconds), r.path()));
    sb.append('\n').append(r.fit().result.stopReason());
    appendMetrics(sb, "validation", r.fit().result.validationMetrics());
    appendMetrics(sb, "test", r.testMetrics());
    return sb.toString();
  }

  private static void appendMetrics(StringBuilder sb, String name, EvaluationResult m) {
    if (m == null) {
      return;
    }
    sb.append('\n').append(name).append(':');
    append(sb, "accuracy", m.accuracy());
    append(sb, "loss", m.loss());
    append(sb, "rmse", m.rmse());
    append(sb, "mae", m.mae());
    append(sb, "r2", m.r2());
    append(sb, "macro_f1", m.macroF1());
    append(sb, "roc_auc", m.rocAuc());
    sb.append(" rows ").append(m.rows());
  }

  private static void append(StringBuilder sb, String key, double value) {
    if (!Double.isNaN(value)) {
      sb.append(' ').append(key).append(' ').append(String.format(Locale.ROOT, "%.4f", value));
    }
  }
}
