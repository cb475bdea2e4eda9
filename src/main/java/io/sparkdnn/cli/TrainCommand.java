package io.sparkdnn.cli;

import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.DataSource;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.model.ModelWriter;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Trains a network on the configured data and writes the model directory. */
@Command(name = "train", description = "Train a network and write the model directory (model.path).")
final class TrainCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

  @Mixin CommonOptions options;
  @Spec CommandSpec spec;

  private java.io.PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Override
  public Integer call() {
    Settings s = options.settings();
    TrainingConfig config = Jobs.training(s);
    DataSettings data = Jobs.data(s);
    DataSource trainSource = Jobs.requiredSource(s, "data.train");
    DataSource validationSource = Jobs.source(s, "data.validation");
    DataSource testSource = Jobs.source(s, "data.test");
    String modelPath = s.string("model.path");
    boolean overwrite = s.bool("model.overwrite");
    String warmStartPath = s.optionalString("model.warm-start");
    try (Jobs.Session session = Jobs.session(s)) {
      SparkSession spark = session.spark;
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      try (ModelWriter writer = ModelWriter.open(modelPath, overwrite, hadoop, "model.path")) {
        DnnModel warmStart = warmStartPath == null ? null : ModelReader.read(warmStartPath, hadoop, "model.warm-start");
        Dataset<Row> training = trainSource.read(spark, "training data");
        Dataset<Row> validation = validationSource == null ? null : validationSource.read(spark, "validation data");
        Dataset<Row> test = testSource == null ? null : testSource.read(spark, "test data");
        DnnTrainer.Fit fit = new DnnTrainer(data, config).fit(training, validation,
            trainSource.describe("training data"),
            validationSource == null ? null : validationSource.describe("validation data"),
            warmStart, new ProgressReporter(writer));
        fit.packed.release();
        DnnModel model = fit.model;
        Map<String, Object> testMetrics = null;
        if (test != null) {
          spark.sparkContext().setJobDescription("test evaluation");
          testMetrics = model.evaluate(test, fit.packed.partitions(), data.badRows(), config.blas(),
              testSource.describe("test data"));
          model = model.withInfo("test_metrics", testMetrics);
        }
        writer.commit(model);
        fit.clearCheckpoints();
        out().println(summary(writer.target(), fit, testMetrics));
      }
      return 0;
    }
  }

  private static String summary(String path, DnnTrainer.Fit fit, Map<String, Object> test) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "trained %d epochs%s in %s (data loading %s); model written to %s",
        fit.result.state().epochsDone(),
        fit.resumedEpochs > 0 ? " (" + fit.resumedEpochs + " of them before resuming from a checkpoint)" : "",
        ProgressReporter.duration(fit.result.seconds()), ProgressReporter.duration(fit.packSeconds), path));
    appendMetrics(sb, "validation", fit.result.validationMetrics());
    appendMetrics(sb, "test", test);
    return sb.toString();
  }

  private static void appendMetrics(StringBuilder sb, String name, Map<String, Object> metrics) {
    if (metrics == null) {
      return;
    }
    Map<String, Object> shown = new LinkedHashMap<>();
    for (String key : new String[] {"accuracy", "loss", "rmse", "mae", "r2", "macro_f1", "rows"}) {
      if (metrics.containsKey(key)) {
        shown.put(key, metrics.get(key));
      }
    }
    sb.append('\n').append(name).append(':');
    shown.forEach((k, v) -> sb.append(' ').append(k).append(' ')
        .append(v instanceof Double ? String.format(Locale.ROOT, "%.4f", (Double) v) : v));
  }
}
