package io.sparkdnn.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

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

class TrainerSmokeTest {
  @Test
  void blobsTrainInBothModes() {
    Dataset<Row> data = TestData.blobs(SparkTestSession.get(), 4000, 4, 10, 1, 3);
    DataSettings settings = new DataSettings(List.of("features"), List.of("label"), List.of("id"),
        ScalingMode.STANDARD, BadRowPolicy.FAIL, 2, 4096, 0.2);
    for (TrainingMode mode : TrainingMode.values()) {
      TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("10-16relu-4softmax"))
          .mode(mode).epochs(5).roundsPerEpoch(mode == TrainingMode.SYNC ? 10 : 1)
          .optimizer(OptimizerSettings.builder().learningRate(mode == TrainingMode.SYNC ? 0.05 : 0.01).build())
          .build();
      DnnTrainer.Fit fit = new DnnTrainer(settings, config).fit(data, null, "training data", null, null, null,
          (m, s) -> System.out.println(mode + " " + m.toJson()));
      double accuracy = (Double) fit.result.validationMetrics().get("accuracy");
      assertTrue(accuracy > 0.9, mode + " accuracy " + accuracy);
      fit.packed.release();
    }
  }
}
