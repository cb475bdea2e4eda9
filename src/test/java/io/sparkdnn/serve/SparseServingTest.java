package io.sparkdnn.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.sparkdnn.SparkTestSession;
import io.sparkdnn.SparseTestData;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataLayout;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelFiles;
import io.sparkdnn.model.ModelWriter;
import io.sparkdnn.model.OnnxExport;
import io.sparkdnn.onnx.OnnxExporter;
import io.sparkdnn.scoring.ModelScoring;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingListener;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trained on sparse rows is saved, loaded and served like any other: Spark's prediction,
 * the Scorer (rows as non-zeros or dense) and ONNX Runtime (a dense input graph) agree.
 */
class SparseServingTest {
  private static final int WIDTH = 3000;
  private static final int ROWS = 200;
  @TempDir static Path dir;
  static DnnModel model;
  static Path modelDir;
  static List<Row> input;
  static List<Row> spark;

  @BeforeAll
  static void trainAndPredict() {
    Dataset<Row> data = SparseTestData.documents(SparkTestSession.get(), 2000, 4, WIDTH, 8, 11, 2);
    DnnTrainer.Fit fit = new DnnTrainer(DataSettings.builder().idColumns(List.of("id")).build(),
        TrainingConfig.builder(NetworkSpec.parse(WIDTH + "-16relu-8tanh-4softmax")).epochs(3).build())
        .fit(data, null, "documents", null, null, TrainingListener.NONE);
    fit.packed.release();
    modelDir = dir.resolve("model");
    ModelWriter.open(modelDir.toString(), false, new Configuration(), "test").commit(fit.model);
    model = ModelFiles.read(modelDir);
    assertEquals(DataLayout.SPARSE, model.columns().layout(), "the layout is saved and read back");
    assertArrayEquals(fit.model.weights(), model.weights());
    Dataset<Row> scored = SparseTestData.documents(SparkTestSession.get(), ROWS, 4, WIDTH, 8, 12, 2).orderBy("id")
        .cache();
    input = scored.collectAsList();
    spark = ModelScoring.predict(model, scored, List.of("id"), BadRowPolicy.FAIL, "scored").orderBy("id")
        .collectAsList();
    scored.unpersist();
  }

  private static float[] dense(SparseVector v) {
    float[] row = new float[v.size()];
    for (int k = 0; k < v.indices().length; k++) {
      row[v.indices()[k]] = (float) v.values()[k];
    }
    return row;
  }

  private static float[] floats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  private static float[] sparkProbabilities(Row row) {
    List<Object> p = row.getList(2);
    float[] out = new float[p.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = ((Number) p.get(j)).floatValue();
    }
    return out;
  }

  @Test
  void theScorerGivesSparksPredictionsFromNonZerosOrDenseRows() {
    Scorer scorer = Scorer.load(modelDir);
    assertTrue(scorer.sparseInput());
    float[][] rows = new float[ROWS][];
    for (int r = 0; r < ROWS; r++) {
      SparseVector v = (SparseVector) input.get(r).getAs("features");
      rows[r] = dense(v);
      float[] expected = sparkProbabilities(spark.get(r));
      Prediction fromNonZeros = scorer.scoreSparse(v.indices(), floats(v.values()));
      assertArrayEquals(expected, fromNonZeros.outputs(), 1e-6f, "row " + r);
      assertArrayEquals(fromNonZeros.outputs(), scorer.score(rows[r]).outputs(), 1e-7f);
      assertEquals(spark.get(r).get(1), Double.parseDouble(((Prediction.Classification) fromNonZeros).label()));
    }
    Prediction[] batch = scorer.scoreBatch(rows);
    for (int r = 0; r < ROWS; r++) {
      assertArrayEquals(sparkProbabilities(spark.get(r)), batch[r].outputs(), 1e-6f);
    }
  }

  @Test
  void onnxRuntimeTakesDenseRowsAndGivesSparksPredictions() throws Exception {
    Path onnx = dir.resolve("model.onnx");
    Files.write(onnx, OnnxExport.bytes(model, "sparse"));
    float[] flat = new float[ROWS * WIDTH];
    for (int r = 0; r < ROWS; r++) {
      System.arraycopy(dense((SparseVector) input.get(r).getAs("features")), 0, flat, r * WIDTH, WIDTH);
    }
    OrtEnvironment ort = OrtEnvironment.getEnvironment();
    try (OrtSession session = ort.createSession(onnx.toString(), new OrtSession.SessionOptions());
        OnnxTensor x = OnnxTensor.createTensor(ort, FloatBuffer.wrap(flat), new long[] {ROWS, WIDTH});
        OrtSession.Result result = session.run(Map.of(OnnxExporter.FEATURES, x))) {
      float[][] p = (float[][]) result.get(OnnxExporter.PROBABILITIES).orElseThrow().getValue();
      for (int r = 0; r < ROWS; r++) {
        assertArrayEquals(sparkProbabilities(spark.get(r)), p[r], 1e-5f, "row " + r);
      }
    }
  }

  @Test
  void badNonZerosAreRefusedWithTheReason() {
    Scorer scorer = Scorer.load(modelDir);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> scorer.scoreSparse(new int[] {5, 3}, new float[] {1f, 1f}));
    assertTrue(e.getMessage().contains("index 3 (non-zero 1) follows index 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> scorer.scoreSparse(new int[] {WIDTH}, new float[] {1f}));
    assertTrue(e.getMessage().contains("index 3000 (non-zero 0) is outside [0, 3000)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> scorer.scoreSparse(new int[] {1, 2}, new float[] {1f, Float.NaN}));
    assertTrue(e.getMessage().contains("feature index 2 (element 2 of column 'features') is NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> scorer.scoreSparse(new int[] {1, 2}, new float[] {1f}));
    assertTrue(e.getMessage().contains("2 indices but 1 values"), e.getMessage());
  }

  /** A model trained on dense rows takes non-zeros too (made dense), with the same predictions. */
  @Test
  void aDenseModelScoresNonZerosAsTheDenseRow() {
    DnnModel dense = ServeModels.model("7-12relu-4softmax", Task.MULTICLASS, 3);
    Scorer scorer = Scorer.of(dense);
    float[] row = {0f, 1.5f, 0f, 0f, -2f, 0f, 0.25f};
    assertArrayEquals(scorer.score(row).outputs(),
        scorer.scoreSparse(new int[] {1, 4, 6}, new float[] {1.5f, -2f, 0.25f}).outputs(), 0f);
  }
}
