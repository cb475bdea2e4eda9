package io.sparkdnn.model;

import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The fixed model behind the golden files in src/test/resources/golden/model-v1. Run main once
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
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("created", "2026-11-27T00:00:00Z");
    return new DnnModel(spec, Task.MULTICLASS, weights, columns, scaling, labels, info);
  }

  public static void main(String[] args) {
    ModelWriter.open(args[0], false, new Configuration(), "golden").commit(v1());
  }
}
