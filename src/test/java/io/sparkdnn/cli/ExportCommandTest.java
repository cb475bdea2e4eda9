package io.sparkdnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.sparkdnn.SparkTestSession;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelFiles;
import io.sparkdnn.model.ModelWriter;
import io.sparkdnn.onnx.OnnxExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dnn export}: a trained model becomes an ONNX file that ONNX Runtime opens with the
 * documented input, outputs and metadata; every refusal is one {@code error:} line, exit status 1,
 * and leaves no file behind.
 */
class ExportCommandTest {
  @TempDir static Path dir;
  static Path model;

  @BeforeAll
  static void train() {
    StructType schema = new StructType()
        .add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType).add("c", DataTypes.DoubleType)
        .add("species", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    String[] species = {"setosa", "versicolor", "virginica"};
    for (int i = 0; i < 90; i++) {
      rows.add(RowFactory.create(i % 3 * 2.0 + i * 0.01, 10.0 - i % 3, i * 0.5, species[i % 3]));
    }
    String data = dir.resolve("train.parquet").toString();
    SparkTestSession.get().createDataFrame(rows, schema).coalesce(1).write().parquet(data);
    model = dir.resolve("iris-like");
    Cli cli = Cli.run("train", "--set", "data.train.path=" + data, "--set", "data.features=[a, b, c]",
        "--set", "data.label=species", "--set", "network.layers=3-5tanh-3softmax", "--set", "training.epochs=2",
        "--set", "model.path=" + model);
    assertEquals(0, cli.status, cli.toString());
  }

  @Test
  void writesAnOnnxFileThatOnnxRuntimeOpens() throws Exception {
    Path out = dir.resolve("out/iris.onnx");
    Cli cli = Cli.run("export", "--model", model.toString(), "--format", "onnx", "--output", out.toString());
    assertEquals(0, cli.status, cli.toString());
    String[] lines = cli.out.strip().split("\n");
    assertEquals(1, lines.length, cli.out);
    assertTrue(lines[0].startsWith("exported " + model + " (3-5tanh-3softmax, multiclass) to " + out + " (onnx, "),
        lines[0]);
    assertTrue(Files.isRegularFile(out));
    assertEquals(List.of("iris.onnx"), Arrays.asList(out.getParent().toFile().list()), "no staging file is left");

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(out.toString(), new OrtSession.SessionOptions())) {
      assertEquals(List.of(OnnxExporter.FEATURES), List.copyOf(session.getInputNames()));
      assertArrayEquals(new long[] {-1, 3},
          ((TensorInfo) session.getInputInfo().get(OnnxExporter.FEATURES).getInfo()).getShape());
      assertEquals(List.of(OnnxExporter.PROBABILITIES, OnnxExporter.LABEL), List.copyOf(session.getOutputNames()));
      var metadata = session.getMetadata().getCustomMetadata();
      assertEquals("[\"a\",\"b\",\"c\"]", metadata.get(OnnxExporter.META_FEATURE_NAMES));
      assertEquals("[\"setosa\",\"versicolor\",\"virginica\"]", metadata.get(OnnxExporter.META_CLASS_NAMES));
      assertEquals("iris-like", metadata.get(OnnxExporter.META_MODEL_NAME));
    }

    // the same keys through --set, replacing the file only with overwrite
    Cli again = Cli.run("export", "--set", "export.model=" + model, "--set", "export.output=" + out);
    assertRefused(again, "export.output " + out + " already exists; set export.overwrite = true (--overwrite)");
    Cli replaced = Cli.run("export", "--model", model.toString(), "--output", out.toString(), "--overwrite");
    assertEquals(0, replaced.status, replaced.toString());
  }

  @Test
  void refusesAnUnknownFormat() {
    Path out = dir.resolve("pmml/model.pmml");
    Cli cli = Cli.run("export", "--model", model.toString(), "--format", "pmml", "--output", out.toString());
    assertRefused(cli, "--format: unknown export format 'pmml'; expected one of [onnx]");
    assertFalse(Files.exists(out.getParent()));
    Cli viaSet = Cli.run("export", "--model", model.toString(), "--set", "export.format=pmml", "--output",
        out.toString());
    assertRefused(viaSet, "export.format: unknown export format 'pmml'; expected one of [onnx]");
  }

  @Test
  void refusesAMissingModelOrOutput() {
    Path out = dir.resolve("missing/model.onnx");
    Cli cli = Cli.run("export", "--model", dir.resolve("no-such-model").toString(), "--output", out.toString());
    assertRefused(cli, "no model at " + dir.resolve("no-such-model"), "(export.model)");
    assertFalse(Files.exists(out));
    Cli noOutput = Cli.run("export", "--model", model.toString());
    assertRefused(noOutput, "export.output is not set; say where to write the file, e.g. --output model.onnx");
  }

  /** A model ONNX cannot hold (here: a NaN weight) is refused with the reason and what it needs. */
  @Test
  void refusesAModelOnnxCannotRepresent() throws Exception {
    DnnModel good = ModelFiles.read(model);
    float[] weights = good.weights();
    weights[good.spec().biasOffset(0) + 1] = Float.NaN;
    DnnModel bad = new DnnModel(good.spec(), good.task(), weights, good.columns(), good.scaling(),
        good.targetScaling(), good.labels(), good.record());
    Path badDir = dir.resolve("diverged");
    ModelWriter.open(badDir.toString(), false, new Configuration(), "model.path").commit(bad);
    Path out = dir.resolve("diverged.onnx");
    Cli cli = Cli.run("export", "--model", badDir.toString(), "--output", out.toString());
    assertRefused(cli, "cannot export model diverged (3-5tanh-3softmax, multiclass) to ONNX",
        "layer 1 b[1]) is NaN; a model with non-finite weights cannot be exported");
    assertFalse(Files.exists(out));
  }

  private static void assertRefused(Cli cli, String... expected) {
    assertEquals(1, cli.status, cli.toString());
    String[] lines = cli.err.strip().split("\n");
    String error = lines[lines.length - 1];
    assertTrue(error.startsWith("error: "), cli.toString());
    for (String e : expected) {
      assertTrue(error.contains(e), "expected '" + e + "' in: " + error);
    }
    assertEquals("", cli.out, "nothing on stdout");
  }
}
