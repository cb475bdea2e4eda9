package io.sparkdnn.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
  /**
   * A partition without rows evaluates to nothing and builds no network: the dense network of a wide
   * sparse model takes width × batch rows floats (here 2^20 × 1024, 4 GiB), and a test set read into
   * more partitions than it had rows for ran a training run out of memory after its last epoch.
   */
  @Test
  void noRowsBuildNoNetwork() {
    NetworkSpec spec = NetworkSpec.parse("1048576-2relu-2softmax");
    Evaluator evaluator = new Evaluator(spec, Task.MULTICLASS, FeatureScaling.none(spec.inputWidth()),
        TargetScaling.none(1), 2, 1024, BlasBackend.JAVA);
    EvaluationAccumulator sums = evaluator.evaluateHere(List.of(), new float[spec.parameterCount()], 2);
    assertEquals(0, sums.rows());
  }
}
