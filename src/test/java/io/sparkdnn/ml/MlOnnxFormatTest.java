package io.sparkdnn.ml;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.onnx.OnnxExporter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model.write().format("onnx").save(path)} through Spark's MLFormatRegister: one ONNX file
 * whose outputs in ONNX Runtime are the model's transform output; the default format still saves
 * and loads the Spark ML layout; an unknown format is Spark's error.
 */
class MlOnnxFormatTest {
  @TempDir Path dir;

  @Test
  void classifierSavesAsOnnxAndOnnxRuntimeGivesItsProbabilities() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> data = TestData.blobs(spark, 600, 3, 4, 7, 2);
    DnnClassificationModel model = new DnnClassifier().setHiddenLayers("8tanh").setEpochs(3).setSeed(2).fit(data);
    String path = dir.resolve("classifier.onnx").toString();
    model.write().format("onnx").save(path);
    assertTrue(Files.isRegularFile(Path.of(path)), "one file at the path");

    List<Row> rows = model.transform(data.orderBy("id").limit(50)).select("features", "probability").collectAsList();
    float[] x = new float[rows.size() * 4];
    for (int r = 0; r < rows.size(); r++) {
      List<Float> features = rows.get(r).getList(0);
      for (int j = 0; j < 4; j++) {
        x[r * 4 + j] = features.get(j);
      }
    }
    float[][] onnx = run(path, x, rows.size(), 4, OnnxExporter.PROBABILITIES);
    double diff = 0;
    for (int r = 0; r < rows.size(); r++) {
      double[] expected = ((Vector) rows.get(r).get(1)).toArray();
      for (int j = 0; j < 3; j++) {
        diff = Math.max(diff, Math.abs(expected[j] - onnx[r][j]));
      }
    }
    assertTrue(diff <= 1e-5, "ONNX vs transform: max |diff| " + diff);

    // Spark's writer semantics: an existing path needs overwrite()
    Exception exists = assertThrows(Exception.class, () -> model.write().format("onnx").save(path));
    assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
    model.write().format("onnx").overwrite().save(path);
    assertTrue(Files.isRegularFile(Path.of(path)));

    // the default format is still Spark ML's layout with the model directory inside
    String internal = dir.resolve("classifier").toString();
    model.write().save(internal);
    assertEquals(model.dnnModel().spec(), DnnClassificationModel.load(internal).dnnModel().spec());

    Exception unknown = assertThrows(Exception.class, () -> model.write().format("pmml").save(dir.resolve("x").toString()));
    assertTrue(unknown.getMessage().contains("pmml"), unknown.getMessage());
  }

  @Test
  void regressorSavesAsOnnxInTheTargetsUnits() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> data = TestData.regression(spark, 600, 3).withColumn("y1", col("y1").multiply(50).plus(200));
    DnnRegressionModel model = new DnnRegressor().setLabelCol("y1").setHiddenLayers("8tanh").setEpochs(3).fit(data);
    String path = dir.resolve("regressor.onnx").toString();
    model.write().format("onnx").save(path);

    List<Row> rows = model.transform(data.limit(50)).select("features", "prediction").collectAsList();
    float[] x = new float[rows.size() * 3];
    for (int r = 0; r < rows.size(); r++) {
      double[] features = ((Vector) rows.get(r).get(0)).toArray();
      for (int j = 0; j < 3; j++) {
        x[r * 3 + j] = (float) features[j];
      }
    }
    float[][] onnx = run(path, x, rows.size(), 3, OnnxExporter.PREDICTIONS);
    for (int r = 0; r < rows.size(); r++) {
      double expected = rows.get(r).getDouble(1);
      assertEquals(expected, onnx[r][0], 1e-5 * Math.max(1, Math.abs(expected)), "row " + r);
    }
  }

  private static float[][] run(String path, float[] x, int rows, int width, String output) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(path, new OrtSession.SessionOptions());
        OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {rows, width});
        OrtSession.Result result = session.run(Map.of(OnnxExporter.FEATURES, input))) {
      return (float[][]) result.get(output).orElseThrow().getValue();
    }
  }
}
