package io.sparkdnn.model;

import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import org.apache.hadoop.conf.Configuration;

/**
 * The fixed models behind the golden files in src/test/resources/golden/model-vN. Run main once
 * when a new format version is introduced (to a new directory); never regenerate an old one.
 */
public final class GoldenModels {
  private GoldenModels() {}

  static DnnModel v1() {
    NetworkSpec spec = NetworkSpec.parse("3-4tanh-3softmax");
    float[] weights = new float[spec.parameterCount()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) (0.5 * Math.sin(i + 1));
    }
    InputColumns columns = new InputColumns(new String[] {"a", "b", "c"}, InputColumns.Shape.SCALARS, 3,
        new String[] {"animal"}, InputColumns.Shape.SCALARS, true);
    FeatureScaling scaling = new FeatureScaling(ScalingMode.STANDARD,
        new float[] {1f, 2f, 0.5f}, new float[] {0f, -1f, 0.25f});
    LabelIndex labels = new LabelIndex(false, new String[] {"cat", "dog", "emu"});
    return new DnnModel(spec, Task.MULTICLASS, weights, columns, scaling, TargetScaling.none(1), labels,
        TrainingRecord.created("2026-11-27T00:00:00Z"));
  }

  /**
   * Version 2 added target scaling: a two-target regression whose network learned standardised
   * targets (mean 100 and −5, std 20 and 0.5), with features scaled the auto way (two standardised,
   * one left as it is).
   */
  static DnnModel v2() {
    NetworkSpec spec = NetworkSpec.parse("3-4tanh-2identity");
    float[] weights = new float[spec.parameterCount()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = (float) (0.5 * Math.sin(i + 1));
    }
    InputColumns columns = new InputColumns(new String[] {"a", "b", "c"}, InputColumns.Shape.SCALARS, 3,
        new String[] {"y1", "y2"}, InputColumns.Shape.SCALARS, false);
    FeatureScaling scaling = new FeatureScaling(ScalingMode.AUTO,
        new float[] {0.1f, 1f, 2f}, new float[] {-5f, 0f, 1f});
    TargetScaling targets = new TargetScaling(new float[] {100f, -5f}, new float[] {20f, 0.5f});
    return new DnnModel(spec, Task.REGRESSION, weights, columns, scaling, targets, null,
        TrainingRecord.created("2026-11-30T00:00:00Z"));
  }

  /** Writes golden model {@code args[0]} (v1 or v2) to directory {@code args[1]}. */
  public static void main(String[] args) {
    ModelWriter.open(args[1], false, new Configuration(), "golden").commit(args[0].equals("v1") ? v1() : v2());
  }
}
