package io.sparkdnn.cli;

import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSource;
import io.sparkdnn.data.Failures;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import static org.apache.spark.sql.functions.col;

/** Scores a dataset with a model and writes the predictions. */
@Command(name = "predict", description = "Predict with a model (predict.model) on data (predict.input); write predict.output.")
final class PredictCommand implements Callable<Integer> {
  static final List<String> OUTPUT_FORMATS = List.of("parquet", "csv", "json", "orc");

  @Mixin CommonOptions options;

  @Override
  public Integer call() {
    Settings s = options.settings();
    String modelPath = s.string("predict.model");
    DataSource input = Jobs.requiredSource(s, "predict.input");
    String outputPath = s.string("predict.output.path");
    String format = s.string("predict.output.format").toLowerCase(Locale.ROOT);
    if (!OUTPUT_FORMATS.contains(format)) {
      throw new ConfigException("predict.output.format must be one of " + OUTPUT_FORMATS + ", found '" + format + "'");
    }
    List<String> keep = s.isSet("predict.keep-columns") ? s.strings("predict.keep-columns") : null;
    boolean overwrite = s.bool("predict.overwrite");
    BadRowPolicy badRows = s.parsed("data.bad-rows", BadRowPolicy::fromToken);
    try (Jobs.Session session = Jobs.session(s)) {
      SparkSession spark = session.spark;
      Jobs.checkWritable(spark, outputPath, overwrite, "predict.output.path", "predict.overwrite");
      DnnModel model = ModelReader.read(modelPath, spark.sparkContext().hadoopConfiguration(), "predict.model");
      Dataset<Row> data = input.read(spark, "input data");
      Dataset<Row> predictions = model.predict(data, keep, badRows, input.describe("input data"));
      if (format.equals("csv")) {
        predictions = flattenArrays(predictions, model);
      }
      try {
        predictions.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
            .option("header", "true").format(format).save(outputPath);
      } catch (Exception e) { // SparkException is checked to Java
        throw Failures.asDataException(e, data, input.describe("input data"));
      }
      options.out().println("predictions written to " + outputPath + " (" + format + ")");
      return 0;
    }
  }

  /** CSV has no arrays: one column per class probability (or output), named after it. */
  static Dataset<Row> flattenArrays(Dataset<Row> data, DnnModel model) {
    String[] names = model.classNames();
    List<Column> columns = new ArrayList<>();
    for (StructField f : data.schema().fields()) {
      if (f.dataType() instanceof ArrayType && isOurs(f.name())) {
        int n = model.spec().outputWidth() == 1 && f.name().equals(DnnModel.PROBABILITY) ? 2 : model.spec().outputWidth();
        for (int i = 0; i < n; i++) {
          String suffix = names != null && names.length == n ? names[i] : Integer.toString(i);
          columns.add(col(f.name()).getItem(i).alias(f.name() + "_" + suffix));
        }
      } else {
        columns.add(col("`" + f.name() + "`"));
      }
    }
    return data.select(columns.toArray(new Column[0]));
  }

  private static boolean isOurs(String name) {
    return name.equals(DnnModel.PREDICTION) || name.equals(DnnModel.PROBABILITY);
  }
}
