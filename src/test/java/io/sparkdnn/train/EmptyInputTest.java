package io.sparkdnn.train;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.data.DataException;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.engine.NetworkSpec;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * Training data is opened without a row check of its own (a Spark job fewer at start-up); whichever
 * of the trainer's scans first meets it — the vector width, the label classes, or packing — must
 * say that it has no rows, in the same words, and only when it really has none.
 */
class EmptyInputTest {
  private static final String NAME = "training data (data.train.path=t.parquet)";

  @Test
  void theVectorWidthScanSaysSo() {
    Dataset<Row> empty = TestData.blobs(spark(), 50, 3, 4, 1, 1).where(lit(false));
    assertNoRows(empty, List.of("features"), List.of("label"), "4-8relu-3softmax", "id, label, features");
  }

  @Test
  void theLabelScanSaysSo() {
    Dataset<Row> empty = TestData.xor(spark(), 50, 1).where(lit(false));
    assertNoRows(empty, List.of("x1", "x2"), List.of("label"), "2-4relu-2softmax", "x1, x2, label");
  }

  @Test
  void packingSaysSo() {
    Dataset<Row> empty = TestData.xor(spark(), 50, 1).where(lit(false));
    assertNoRows(empty, List.of("x1", "x2"), List.of("label"), "2-4tanh-1identity", "x1, x2, label");
  }

  /** Rows without a label value are not "no rows": the message is about the labels. */
  @Test
  void rowsWithoutLabelsAreNotCalledEmpty() {
    Dataset<Row> unlabelled = TestData.xor(spark(), 50, 1).withColumn("label", lit(null).cast(DataTypes.DoubleType));
    DataException e = assertThrows(DataException.class,
        () -> fit(unlabelled, List.of("x1", "x2"), List.of("label"), "2-4relu-2softmax"));
    assertFalse(e.getMessage().contains("has no rows;"), e.getMessage());
  }

  private static void assertNoRows(Dataset<Row> data, List<String> features, List<String> labels, String network,
      String columns) {
    DataException e = assertThrows(DataException.class, () -> fit(data, features, labels, network));
    assertEquals(NAME + " has no rows; its columns are " + columns, e.getMessage());
  }

  private static void fit(Dataset<Row> data, List<String> features, List<String> labels, String network) {
    DataSettings settings = DataSettings.builder().features(features).labels(labels).partitions(2).build();
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse(network)).epochs(1).seed(1).build();
    new DnnTrainer(settings, config).fit(data, null, NAME, null, null, TrainingListener.NONE);
  }

  private static SparkSession spark() {
    return SparkTestSession.get();
  }
}
