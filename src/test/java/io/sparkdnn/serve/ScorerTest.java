package io.sparkdnn.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelFiles;
import io.sparkdnn.model.ModelFormatException;
import io.sparkdnn.model.ModelWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark-free scorer on models assembled in code: predictions against the engine's naive
 * reference for every task, batch forms against single rows across chunk boundaries, many threads
 * at once, refusals, and loading a model directory. (Parity with Spark's prediction on trained
 * models is {@link ServingParityTest}; a JVM without Spark is {@link ScorerWithoutSparkTest}.)
 */
class ScorerTest {
  @TempDir Path dir;

  @Test
  void scoresAsTheNaiveReferenceForEveryTask() {
    Object[][] cases = {
      {"7-12relu-6tanh-4softmax", Task.MULTICLASS},
      {"5-8leakyrelu-1sigmoid", Task.BINARY},
      {"6-10sigmoid-3sigmoid", Task.MULTILABEL},
      {"4-9tanh-3identity", Task.REGRESSION},
    };
    for (Object[] c : cases) {
      DnnModel model = ServeModels.model((String) c[0], (Task) c[1], 3);
      Scorer scorer = Scorer.of(model);
      for (float[] row : ServeModels.rows(model, 3, 40)) {
        float[] expected = ServeModels.expected(model, row);
        Prediction p = scorer.score(row);
        float tolerance = model.task() == Task.REGRESSION ? 1e-5f * 200 : 1e-5f; // values up to ~±400
        assertArrayEquals(expected, p.outputs(), tolerance, c[0] + " " + c[1]);
        switch (model.task()) {
          case MULTICLASS: {
            Prediction.Classification cp = (Prediction.Classification) p;
            assertEquals(argMax(p.outputs()), cp.index());
            assertEquals("class-" + (char) ('a' + cp.index()), cp.label());
            break;
          }
          case BINARY: {
            Prediction.Classification cp = (Prediction.Classification) p;
            assertEquals(p.outputs()[1] >= 0.5f ? 1 : 0, cp.index());
            assertEquals(1f, p.outputs()[0] + p.outputs()[1], 1e-6f);
            assertEquals(model.classNames()[cp.index()], cp.label());
            break;
          }
          case MULTILABEL: {
            Prediction.MultiLabel mp = (Prediction.MultiLabel) p;
            for (int j = 0; j < 3; j++) {
              assertEquals(mp.probabilities()[j] >= 0.5f ? 1 : 0, mp.predicted()[j]);
            }
            break;
          }
          case REGRESSION:
            assertTrue(p instanceof Prediction.Regression);
            break;
          default:
            throw new AssertionError();
        }
      }
      assertEquals(model.task(), scorer.task());
      assertArrayEquals(model.columns().featureColumns(), scorer.featureNames());
    }
  }

  @Test
  void batchesGiveWhatSingleRowsGiveAcrossChunks() {
    DnnModel model = ServeModels.model("9-16relu-5softmax", Task.MULTICLASS, 5);
    Scorer scorer = Scorer.of(model);
    int n = 2 * Scorer.CHUNK + 37;
    float[][] rows = ServeModels.rows(model, 5, n);
    float[] flat = new float[n * 9];
    for (int r = 0; r < n; r++) {
      System.arraycopy(rows[r], 0, flat, r * 9, 9);
    }
    Prediction[] batch = scorer.scoreBatch(rows);
    Prediction[] flatBatch = scorer.scoreBatch(flat);
    assertEquals(n, batch.length);
    assertEquals(n, flatBatch.length);
    for (int r = 0; r < n; r++) {
      float[] single = scorer.score(rows[r]).outputs();
      assertArrayEquals(single, batch[r].outputs(), 1e-6f, "row " + r);
      assertArrayEquals(batch[r].outputs(), flatBatch[r].outputs(), "row " + r + ": the two batch forms");
    }
    assertEquals(0, scorer.scoreBatch(new float[0][]).length);
    assertEquals(0, scorer.scoreBatch(new float[0]).length);
  }

  /** Eight threads score the same rows at once, each in another order; every answer is the sequential one. */
  @Test
  void manyThreadsAtOnceGetTheSequentialAnswers() throws Exception {
    DnnModel model = ServeModels.model("12-32relu-16tanh-2identity", Task.REGRESSION, 8);
    Scorer scorer = Scorer.of(model);
    float[][] rows = ServeModels.rows(model, 8, 300);
    float[][] sequential = new float[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      sequential[r] = scorer.score(rows[r]).outputs();
    }
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<float[][]>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t * 37;
        boolean batches = t % 2 == 0;
        results.add(pool.submit(() -> {
          start.await();
          float[][] out = new float[rows.length][];
          for (int i = 0; i < rows.length; i++) {
            int r = (i + offset) % rows.length;
            out[r] = batches ? scorer.scoreBatch(new float[][] {rows[r]})[0].outputs() : scorer.score(rows[r]).outputs();
          }
          return out;
        }));
      }
      for (int t = 0; t < threads; t++) {
        float[][] out = results.get(t).get();
        for (int r = 0; r < rows.length; r++) {
          assertArrayEquals(sequential[r], out[r], "thread " + t + " row " + r);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refusesRowsOfTheWrongWidthOrWithNaN() {
    DnnModel model = ServeModels.model("6-4relu-3softmax", Task.MULTICLASS, 2);
    Scorer scorer = Scorer.of(model);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> scorer.score(new float[5]));
    assertTrue(e.getMessage().contains("row has 5 feature values, expected 6"), e.getMessage());
    assertTrue(e.getMessage().contains("x0, x1, x2, x3, x4, x5"), e.getMessage());
    float[] nan = new float[6];
    nan[2] = Float.NaN;
    e = assertThrows(IllegalArgumentException.class, () -> scorer.score(nan));
    assertTrue(e.getMessage().contains("feature index 2 (column 'x2') is NaN"), e.getMessage());
    float[][] rows = ServeModels.rows(model, 2, 5);
    rows[3][5] = Float.NEGATIVE_INFINITY;
    e = assertThrows(IllegalArgumentException.class, () -> scorer.scoreBatch(rows));
    assertTrue(e.getMessage().startsWith("row index 3: feature index 5 (column 'x5') is -Infinity"), e.getMessage());
    rows[3] = new float[7];
    e = assertThrows(IllegalArgumentException.class, () -> scorer.scoreBatch(rows));
    assertTrue(e.getMessage().startsWith("row index 3 has 7 feature values, expected 6"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> scorer.scoreBatch(new float[13]));
    assertTrue(e.getMessage().contains("13 values, which is not a multiple of the 6 features"), e.getMessage());
    float[] flat = new float[18];
    flat[14] = Float.NaN;
    e = assertThrows(IllegalArgumentException.class, () -> scorer.scoreBatch(flat));
    assertTrue(e.getMessage().startsWith("row index 2: feature index 2 (column 'x2') is NaN"), e.getMessage());
  }

  /**
   * A binary model whose logit overflows (3e38 · 3 = ∞) would answer σ(∞) = 1, a finite
   * probability: the row is refused as Spark prediction refuses it, in every way of scoring.
   */
  @Test
  void refusesARowWhoseLogitOverflowsThoughTheSigmoidSaturates() {
    DnnModel base = ServeModels.model("1-1sigmoid", Task.BINARY, 1);
    DnnModel model = new DnnModel(base.spec(), base.task(), new float[] {3f, 0f}, base.columns(),
        io.sparkdnn.data.FeatureScaling.none(1), base.targetScaling(), base.labels(), base.record());
    Scorer scorer = Scorer.of(model);
    assertEquals(0.5f, scorer.score(new float[] {0f}).outputs()[1], 1e-6f, "σ(0) for a finite row");
    for (org.junit.jupiter.api.function.Executable scoring : new org.junit.jupiter.api.function.Executable[] {
        () -> scorer.score(new float[] {3e38f}),
        () -> scorer.scoreBatch(new float[][] {{0f}, {3e38f}}),
        () -> scorer.scoreBatch(new float[] {0f, 3e38f}),
        () -> scorer.logits(new float[] {3e38f})}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, scoring);
      assertTrue(e.getMessage().contains("give the network a NaN or infinite output"), e.getMessage());
    }
  }

  @Test
  void loadsAModelDirectoryAndSaysWhatIsWrongWithABadOne() throws Exception {
    DnnModel model = ServeModels.model("5-8tanh-1sigmoid", Task.BINARY, 4);
    Path saved = dir.resolve("model");
    ModelWriter.open(saved.toString(), false, new Configuration(), "model.path").commit(model);
    Scorer loaded = Scorer.load(saved);
    Scorer inMemory = Scorer.of(model);
    for (float[] row : ServeModels.rows(model, 4, 20)) {
      assertArrayEquals(inMemory.score(row).outputs(), loaded.score(row).outputs());
    }
    assertArrayEquals(new String[] {"class-a", "class-b"}, loaded.classNames());

    ModelFormatException missing = assertThrows(ModelFormatException.class, () -> Scorer.load(dir.resolve("nothing")));
    assertTrue(missing.getMessage().startsWith("no model at "), missing.getMessage());
    Path partial = Files.createDirectories(dir.resolve("partial"));
    Files.copy(saved.resolve("metadata.json"), partial.resolve("metadata.json"));
    ModelFormatException incomplete = assertThrows(ModelFormatException.class, () -> ModelFiles.read(partial));
    assertTrue(incomplete.getMessage().contains("weights.bin is missing"), incomplete.getMessage());
    Path file = Files.writeString(dir.resolve("file"), "x");
    ModelFormatException notDirectory = assertThrows(ModelFormatException.class, () -> ModelFiles.read(file));
    assertTrue(notDirectory.getMessage().contains("is a file; a model is a directory"), notDirectory.getMessage());
  }

  private static int argMax(float[] values) {
    int best = 0;
    for (int j = 1; j < values.length; j++) {
      best = values[j] > values[best] ? j : best;
    }
    return best;
  }
}
