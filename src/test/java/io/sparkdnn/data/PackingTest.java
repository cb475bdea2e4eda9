package io.sparkdnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.engine.Task;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class PackingTest {
  private final SparkSession spark = SparkTestSession.get();

  /** Rows (i, −i, i mod 3) in 4 input partitions of 250 (in order), one NaN at {@code bad} if ≥ 0. */
  private Dataset<Row> data(int bad) {
    Dataset<Row> df = spark.range(0, 1000, 1, 4).selectExpr(
        "CASE WHEN id = " + bad + " THEN double('NaN') ELSE double(id) END AS x",
        "double(-id) AS y", "int(id % 3) AS label");
    assertEquals(4, df.rdd().getNumPartitions());
    return df;
  }

  private static RowConverter converter(Dataset<Row> df) {
    InputColumns columns = ColumnResolver.resolve(df, List.of("x", "y"), List.of("label"), List.of(),
        Task.MULTICLASS, "data");
    return new RowConverter(columns, Task.MULTICLASS, LabelIndex.identity(3), 1);
  }

  /** A bad row in the third input partition is reported by its number in the whole input. */
  @Test
  void badRowInALaterPartitionIsNumberedInInputOrder() {
    Dataset<Row> df = data(612);
    DataException e = assertThrows(DataException.class, () -> BlockPacker.pack(df, converter(df),
        PackingOptions.training(3, 8192, 0, 1, BadRowPolicy.FAIL), "the data"));
    assertTrue(e.getMessage().startsWith("the data: row 613: column 'x' is NaN"), e.getMessage());
  }

  /** Every row arrives once, with its input position as id, features intact; the split is by id. */
  @Test
  void rowsKeepTheirInputPositionsAcrossRepartitioning() {
    Dataset<Row> df = data(-1);
    PackedData packed = BlockPacker.pack(df, converter(df),
        PackingOptions.training(3, 8192, 0.25, 9, BadRowPolicy.FAIL), "the data");
    try {
      assertEquals(1000, packed.trainingRows() + packed.validationRows());
      assertTrue(Math.abs(packed.validationRows() - 250) < 60, "about a quarter held out: " + packed.validationRows());
      Set<Long> seen = new HashSet<>();
      PackingOptions split = PackingOptions.training(3, 8192, 0.25, 9, BadRowPolicy.FAIL);
      for (JavaRddBlocks part : new JavaRddBlocks[] {
          new JavaRddBlocks(packed.training().collect(), false), new JavaRddBlocks(packed.validation().collect(), true)}) {
        for (PackedBlock b : part.blocks) {
          for (int r = 0; r < b.rows(); r++) {
            long id = b.rowIds()[r];
            assertTrue(seen.add(id), "row " + id + " once");
            assertEquals((float) id, b.features()[r * 2], "features travel with their id");
            assertEquals((float) -id, b.features()[r * 2 + 1]);
            assertEquals(id % 3, (long) b.targets()[r]);
            assertEquals(part.validation, split.isValidation(id));
          }
        }
      }
      assertEquals(1000, seen.size());
      assertEquals(3, packed.training().getNumPartitions());
    } finally {
      packed.release();
    }
  }

  private static final class JavaRddBlocks {
    final List<PackedBlock> blocks;
    final boolean validation;

    JavaRddBlocks(List<PackedBlock> blocks, boolean validation) {
      this.blocks = blocks;
      this.validation = validation;
    }
  }
}
