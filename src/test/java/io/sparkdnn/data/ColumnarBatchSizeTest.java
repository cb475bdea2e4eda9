package io.sparkdnn.data;

import static io.sparkdnn.data.ColumnarBatchSize.ORC_KEY;
import static io.sparkdnn.data.ColumnarBatchSize.PARQUET_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.engine.Task;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColumnarBatchSizeTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void batchesHoldAbout128kValuesWithinSparksBounds() {
    assertEquals(128, ColumnarBatchSize.rowsFor(784)); // 131072 / 784 = 167 → 128
    assertEquals(4096, ColumnarBatchSize.rowsFor(1));
    assertEquals(4096, ColumnarBatchSize.rowsFor(32)); // 4096 rows of 32: Spark's default already fits
    assertEquals(2048, ColumnarBatchSize.rowsFor(33));
    assertEquals(64, ColumnarBatchSize.rowsFor(3072)); // 42 → the floor
    assertEquals(64, ColumnarBatchSize.rowsFor(Integer.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> ColumnarBatchSize.rowsFor(0));
  }

  @Test
  void theSettingHoldsOnlyWhileTheScanIsPlanned() {
    String inside = ColumnarBatchSize.planning(spark, 784, () -> spark.conf().get(PARQUET_KEY)
        + "/" + spark.conf().get(ORC_KEY)
        // a scan planned inside another (nested) keeps the first setting and does not take it away
        + "/" + ColumnarBatchSize.planning(spark, 10, () -> spark.conf().get(PARQUET_KEY))
        + "/" + spark.conf().get(PARQUET_KEY));
    assertEquals("128/128/128/128", inside);
    assertFalse(spark.conf().contains(PARQUET_KEY), "Spark's default again after the scan");
    assertFalse(spark.conf().contains(ORC_KEY));
    assertEquals("4096", spark.conf().get(PARQUET_KEY));

    assertThrows(IllegalStateException.class, () -> ColumnarBatchSize.planning(spark, 784, () -> {
      throw new IllegalStateException("planning failed");
    }));
    assertFalse(spark.conf().contains(PARQUET_KEY), "taken away when planning throws too");
  }

  @Test
  void aValueTheUserSetIsLeftAlone() {
    spark.conf().set(PARQUET_KEY, "1000");
    try {
      assertEquals("1000/128", ColumnarBatchSize.planning(spark, 784,
          () -> spark.conf().get(PARQUET_KEY) + "/" + spark.conf().get(ORC_KEY)));
      assertEquals("1000", spark.conf().get(PARQUET_KEY));
      assertFalse(spark.conf().contains(ORC_KEY));
    } finally {
      spark.conf().unset(PARQUET_KEY);
    }
  }

  /** Rows of 1000-element arrays read 128 at a time (three batches, the last partial) arrive intact. */
  @Test
  void wideArrayRowsPackIntactAcrossSmallBatches(@TempDir Path dir) {
    String path = dir.resolve("wide.parquet").toString();
    spark.range(0, 300, 1, 1)
        .selectExpr("transform(sequence(0, 999), j -> double(id * 1000 + j)) AS features", "int(id % 3) AS label")
        .write().parquet(path);
    Dataset<Row> df = spark.read().parquet(path);
    InputColumns columns = ColumnResolver.resolve(df, List.of("features"), List.of("label"), List.of(),
        Task.MULTICLASS, "data");
    assertEquals(1000, columns.width());
    RowConverter converter = new RowConverter(columns, Task.MULTICLASS, LabelIndex.identity(3), 1);
    assertEquals(1000, converter.nestedValuesPerRow());
    Dataset<Row> selected = ColumnResolver.selectForPacking(df, columns, null);
    PackedData packed = BlockPacker.pack(selected, ColumnResolver.converterFor(selected, converter, null),
        PackingOptions.training(2, 8192, 0, 1, BadRowPolicy.FAIL), "data");
    try {
      assertEquals(300, packed.trainingRows());
      int seen = 0;
      for (PackedBlock b : packed.training().collect()) {
        for (int r = 0; r < b.rows(); r++, seen++) {
          long id = b.rowIds()[r];
          for (int j = 0; j < 1000; j += 333) {
            assertEquals((float) (id * 1000 + j), b.features()[r * 1000 + j], "row " + id + " element " + j);
          }
          assertEquals(id % 3, (long) b.targets()[r]);
        }
      }
      assertEquals(300, seen);
      assertFalse(spark.conf().contains(PARQUET_KEY));
    } finally {
      packed.release();
    }
  }
}
