package io.sparkdnn.train;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  /**
   * Rows without a label value are not "no rows": the message is about the labels, for softmax and
   * sigmoid networks alike (it used to suggest "end network.layers with 0softmax").
   */
  @Test
  void rowsWithoutLabelsAreNotCalledEmpty() {
    Dataset<Row> unlabelled = TestData.xor(spark(), 50, 1).withColumn("label", lit(null).cast(DataTypes.DoubleType));
    for (String network : List.of("2-4relu-2softmax", "2-4relu-1sigmoid")) {
      DataException e = assertThrows(DataException.class,
          () -> fit(unlabelled, List.of("x1", "x2"), List.of("label"), network, 0.1));
      assertEquals("label column 'label' of " + NAME + " has no usable value in any row (each is empty, NaN or "
          + "infinite, or on a malformed line); check that data.label names the column that holds the classes",
          e.getMessage());
    }
  }

  /** Rows all held out for validation are usable rows: the message says where they went and what to do. */
  @Test
  void rowsAllHeldOutForValidationAreNamedSo() {
    Dataset<Row> few = TestData.xor(spark(), 3, 1);
    DataException e = assertThrows(DataException.class,
        () -> fit(few, List.of("x1", "x2"), List.of("label"), "2-4tanh-1identity", 0.999));
    assertEquals(NAME + " has 3 usable rows and data.validation-fraction = 0.999 held out all of them for validation; "
        + "give it more rows or a smaller data.validation-fraction", e.getMessage());
  }

  /** The Spark ML estimator, which looks at the labels before the trainer does, says the same. */
  @Test
  void theSparkMlEstimatorSaysSo() {
    Dataset<Row> empty = TestData.blobs(spark(), 50, 3, 4, 1, 1).where(lit(false));
    io.sparkdnn.ml.DnnClassifier classifier = new io.sparkdnn.ml.DnnClassifier().setHiddenLayers("8relu");
    DataException e = assertThrows(DataException.class, () -> classifier.fit(empty));
    assertTrue(e.getMessage().startsWith("training data (" + classifier.uid() + ") has no rows; its columns are id, "
        + "label, features"), e.getMessage());
  }

  private static void assertNoRows(Dataset<Row> data, List<String> features, List<String> labels, String network,
      String columns) {
    DataException e = assertThrows(DataException.class, () -> fit(data, features, labels, network));
    assertEquals(NAME + " has no rows; its columns are " + columns + "; point it at the data with rows (or check "
        + "the filter that made it)", e.getMessage());
  }

  private static void fit(Dataset<Row> data, List<String> features, List<String> labels, String network) {
    fit(data, features, labels, network, 0.1);
  }

  private static void fit(Dataset<Row> data, List<String> features, List<String> labels, String network,
      double validationFraction) {
    DataSettings settings = DataSettings.builder().features(features).labels(labels).partitions(2)
        .validationFraction(validationFraction).build();
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse(network)).epochs(1).seed(1).build();
    new DnnTrainer(settings, config).fit(data, null, NAME, null, null, TrainingListener.NONE);
  }

  private static SparkSession spark() {
    return SparkTestSession.get();
  }
}
