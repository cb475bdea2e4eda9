package io.sparkdnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.NetworkSpec;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The same data, seed and partitions train the same weights, bit for bit, whichever task finishes
 * first: with 6 partitions on local[2]'s two threads the tasks finish in varying order, and the
 * driver sums their results in partition order (float addition is not associative).
 */
class RepeatabilityTest {
  private static final Dataset<Row> DATA = TestData.blobs(SparkTestSession.get(), 3000, 3, 8, 17, 3);
  private static final DataSettings SIX_PARTITIONS = new DataSettings(List.of("features"), List.of("label"),
      List.of("id"), ScalingMode.STANDARD, BadRowPolicy.FAIL, 6, 8192, 0.2);

  private static float[] train(TrainingMode mode) {
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("8-16relu-3softmax")).mode(mode)
        .epochs(3).roundsPerEpoch(3).seed(5).treeDepth(1).build();
    DnnTrainer.Fit fit = new DnnTrainer(SIX_PARTITIONS, config).fit(DATA, null, "training data", null, null,
        TrainingListener.NONE);
    fit.packed.release();
    return fit.model.weights();
  }

  @Test
  void localModeRepeatsBitForBit() {
    float[] first = train(TrainingMode.LOCAL);
    for (int run = 0; run < 2; run++) {
      assertArrayEquals(first, train(TrainingMode.LOCAL), 0f);
    }
  }

  @Test
  void syncModeRepeatsBitForBit() {
    float[] first = train(TrainingMode.SYNC);
    for (int run = 0; run < 2; run++) {
      assertArrayEquals(first, train(TrainingMode.SYNC), 0f);
    }
  }
}
