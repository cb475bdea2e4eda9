package io.sparkdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSource;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Evaluates a model on labelled data and prints the metrics as JSON. */
@Command(name = "evaluate", description = "Evaluate a model (evaluate.model) on labelled data (evaluate.input); print metrics JSON.")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Override
  public Integer call() throws IOException {
    Settings s = options.settings();
    String modelPath = s.string("evaluate.model");
    DataSource input = Jobs.requiredSource(s, "evaluate.input");
    String output = s.optionalString("evaluate.output");
    BadRowPolicy badRows = s.parsed("data.bad-rows", BadRowPolicy::fromToken);
    int partitions = s.integer("data.partitions", 0, 1_000_000);
    BlasBackend blas = s.parsed("training.blas", BlasBackend::fromToken);
    try (Jobs.Session session = Jobs.session(s)) {
      SparkSession spark = session.spark;
      DnnModel model = ModelReader.read(modelPath, spark.sparkContext().hadoopConfiguration(), "evaluate.model");
      Map<String, Object> metrics = model.evaluate(input.read(spark, "evaluation data"),
          partitions > 0 ? partitions : spark.sparkContext().defaultParallelism(), badRows, blas,
          input.describe("evaluation data"));
      String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(metrics);
      if (output != null) {
        Path path = Path.of(output);
        Path temp = path.resolveSibling("." + path.getFileName() + ".tmp");
        try {
          if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
          }
          Files.writeString(temp, json + "\n");
          Files.move(temp, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write evaluate.output " + output + ": " + e.getMessage(), e);
        }
      }
      options.out().println(json);
      return 0;
    }
  }
}
