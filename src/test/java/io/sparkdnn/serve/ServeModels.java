package io.sparkdnn.serve;

import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.engine.NaiveGemm;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Seeds;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.TrainingRecord;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Models assembled in code for the scorer's tests (no Spark): seeded weights with random biases,
 * standard feature scaling fitted to features far from N(0, 1), target scaling for regression,
 * class names; raw rows to score; and the reference predictions, from the engine's naive gemm.
 */
final class ServeModels {
  private ServeModels() {}

  /** Feature j of a raw row is centre_j + spread_j · N(0, 1), both drawn from the model's seed. */
  static DnnModel model(String network, Task task, long seed) {
    NetworkSpec spec = NetworkSpec.parse(network);
    int in = spec.inputWidth();
    int k = spec.outputWidth();
    float[] weights = Initialization.AUTO.initialize(spec, seed);
    SplittableRandom random = new SplittableRandom(seed);
    for (int l = 0; l < spec.layerCount(); l++) {
      for (int j = 0; j < spec.layer(l).width(); j++) {
        weights[spec.biasOffset(l) + j] = (float) random.nextDouble(-0.3, 0.3);
      }
    }
    float[][] centreSpread = centreSpread(in, seed);
    float[] scale = new float[in];
    float[] shift = new float[in];
    for (int j = 0; j < in; j++) {
      scale[j] = 1f / centreSpread[1][j];
      shift[j] = -centreSpread[0][j] / centreSpread[1][j];
    }
    String[] features = new String[in];
    Arrays.setAll(features, j -> "x" + j);
    String[] labelColumns;
    LabelIndex labels;
    TargetScaling targets = TargetScaling.none(task.targetWidth(spec));
    switch (task) {
      case MULTICLASS:
      case BINARY: {
        labelColumns = new String[] {"label"};
        String[] classes = new String[task == Task.BINARY ? 2 : k];
        Arrays.setAll(classes, c -> "class-" + (char) ('a' + c));
        labels = new LabelIndex(false, classes);
        break;
      }
      case MULTILABEL:
        labelColumns = new String[k];
        Arrays.setAll(labelColumns, j -> "l" + j);
        labels = new LabelIndex(true, labelColumns);
        break;
      case REGRESSION: {
        labelColumns = new String[k];
        Arrays.setAll(labelColumns, j -> "y" + j);
        labels = null;
        float[] mean = new float[k];
        float[] std = new float[k];
        for (int j = 0; j < k; j++) {
          mean[j] = (float) random.nextDouble(-200, 200);
          std[j] = (float) random.nextDouble(0.5, 40);
        }
        targets = new TargetScaling(mean, std);
        break;
      }
      default:
        throw new AssertionError(task);
    }
    InputColumns columns = new InputColumns(features, InputColumns.Shape.SCALARS, in, labelColumns,
        InputColumns.Shape.SCALARS, task.isClassification() && task != Task.MULTILABEL);
    return new DnnModel(spec, task, weights, columns, new FeatureScaling(ScalingMode.STANDARD, scale, shift),
        targets, labels, TrainingRecord.created("2026-11-30T00:00:00Z"));
  }

  /** {@code n} raw rows for a model made by {@link #model} with the same seed. */
  static float[][] rows(DnnModel model, long seed, int n) {
    int in = model.spec().inputWidth();
    float[][] centreSpread = centreSpread(in, seed);
    SplittableRandom random = new SplittableRandom(seed * 31 + 7);
    float[][] rows = new float[n][in];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < in; j++) {
        rows[r][j] = centreSpread[0][j] + centreSpread[1][j] * (float) Seeds.gaussian(random);
      }
    }
    return rows;
  }

  /**
   * The reference for one row: its features scaled as FeatureScaling does, the engine's predict
   * with the naive gemm, the target scaling undone; binary as [1 − p, p].
   */
  static float[] expected(DnnModel model, float[] row) {
    NetworkSpec spec = model.spec();
    DenseNetwork network = new DenseNetwork(spec, model.task(), 1, new NaiveGemm());
    MiniBatch batch = network.batch();
    model.scaling().apply(row, 0, batch.features(), 0);
    batch.setRows(1);
    network.predict(model.weights());
    float[] out = Arrays.copyOf(network.outputs(), spec.outputWidth());
    model.targetScaling().invert(out, 0, 1);
    return model.task() == Task.BINARY ? new float[] {1 - out[0], out[0]} : out;
  }

  private static float[][] centreSpread(int in, long seed) {
    SplittableRandom random = new SplittableRandom(seed + 1000);
    float[][] cs = new float[2][in];
    for (int j = 0; j < in; j++) {
      cs[0][j] = (float) random.nextDouble(-50, 50);
      cs[1][j] = (float) random.nextDouble(0.5, 20);
    }
    return cs;
  }
}
