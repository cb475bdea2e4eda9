package io.sparkdnn.job;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The promotion gate's comparison is fair only on rows neither version trained on. */
class RetrainingRunTest {
  private static Map<String, String> split(String seed, String fraction) {
    return Map.of("training.seed", seed, "data.validation-fraction", fraction, "network.layers", "4-3softmax");
  }

  @Test
  void heldOutRowsOverlapProductionsTrainingRowsWhenTheSplitDiffers() {
    assertNull(RetrainingRun.heldOutOverlap(split("1", "0.1"), split("1", "0.1"), false), "the same split");
    assertNull(RetrainingRun.heldOutOverlap(split("1", "0.1"), split("2", "0.2"), true), "a validation file");
    assertNull(RetrainingRun.heldOutOverlap(Map.of(), split("2", "0.2"), false), "a split production did not record");
    String seed = RetrainingRun.heldOutOverlap(split("1", "0.5"), split("2", "0.5"), false);
    assertTrue(seed != null && seed.startsWith("production was trained with training.seed = 1 and "
        + "data.validation-fraction = 0.5, this version with 2 and 0.5"), seed);
    assertTrue(seed.endsWith("or set data.validation.path"), seed);
    String fraction = RetrainingRun.heldOutOverlap(split("1", "0.1"), split("1", "0.2"), false);
    assertTrue(fraction != null && fraction.contains("this version with 1 and 0.2"), fraction);
  }
}
