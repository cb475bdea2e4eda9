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

  /** Text labels "c", "a", "b" by id, so each of the 4 input partitions meets them in another order. */
  private Dataset<Row> textLabels(String extra) {
    return spark.range(0, 1000, 1, 4).selectExpr(
        "CASE WHEN id = 700 THEN double('NaN') ELSE double(id) END AS x", "double(-id) AS y",
        "CASE " + extra + " WHEN (id * 7) % 3 = 0 THEN 'c' WHEN (id * 7) % 3 = 1 THEN 'a' ELSE 'b' END AS label");
  }

  private static LabelDiscovery discovery(int classes) {
    return new LabelDiscovery(100, found -> LabelIndex.forClasses(false,
        found.values().stream().map(String::valueOf).toArray(String[]::new), classes, false));
  }

  private static RowConverter discovering(Dataset<Row> df) {
    InputColumns columns = ColumnResolver.resolve(df, List.of("x", "y"), List.of("label"), List.of(),
        Task.MULTICLASS, "data");
    RowConverter converter = new RowConverter(columns, Task.MULTICLASS, null, 1);
    assertTrue(converter.discoversLabels());
    return converter;
  }

  /**
   * Labels found while packing become the classes of the whole input, whatever order each partition
   * met them in; a label held only by a row skipped for its features is still a class (as a scan of
   * the labels alone finds it).
   */
  @Test
  void labelsFoundWhilePackingBecomeTheSameClassesInEveryPartition() {
    Dataset<Row> df = textLabels("WHEN id = 700 THEN 'z'");
    LabelDiscovery discovery = discovery(4);
    PackedData packed = BlockPacker.pack(df, discovering(df),
        PackingOptions.training(3, 8192, 0, 1, BadRowPolicy.SKIP), "the data", null, discovery);
    try {
      assertEquals(List.of("a", "b", "c", "z"), List.of(discovery.classes().labels()));
      assertEquals(999, packed.trainingRows());
      int rows = 0;
      for (PackedBlock b : packed.training().collect()) {
        for (int r = 0; r < b.rows(); r++, rows++) {
          long id = b.rowIds()[r];
          int expected = (int) ((id * 7) % 3 == 0 ? 2 : (id * 7) % 3 == 1 ? 0 : 1);
          assertEquals(expected, (int) b.targets()[r], "row " + id);
        }
      }
      assertEquals(999, rows);
    } finally {
      packed.release();
    }
  }

  /**
   * Refusing bad rows, a row without a label is reported after the labels are checked — as the
   * first bad row of its partition, by its row number in the whole input.
   */
  @Test
  void aRowWithoutALabelIsReportedAfterTheLabelsAreChecked() {
    Dataset<Row> unlabelled = textLabels("WHEN id = 650 THEN NULL");
    DataException e = assertThrows(DataException.class, () -> BlockPacker.pack(unlabelled, discovering(unlabelled),
        PackingOptions.training(3, 8192, 0, 1, BadRowPolicy.FAIL), "the data", null, discovery(3)));
    assertEquals("the data: row 651: column 'label' has no label (null)", e.getMessage());

    // labels that make no classes are refused first, in the rule's own words, not by a row
    Dataset<Row> onlyUnlabelled = unlabelled.where("y != -700"); // (the NaN row would fail the read itself)
    DataException refused = assertThrows(DataException.class, () -> BlockPacker.pack(onlyUnlabelled,
        discovering(onlyUnlabelled), PackingOptions.training(3, 8192, 0, 1, BadRowPolicy.FAIL), "the data", null,
        new LabelDiscovery(100, found -> {
          throw new DataException(found.counts().size() + " labels in " + found.rows() + " rows");
        })));
    assertEquals("3 labels in 998 rows", refused.getMessage());
  }

  /**
   * A local master packs without a shuffle ({@link LocalChunkGather}); the blocks are those the
   * cluster's shuffle makes: the same rows, ids, targets (discovered labels as class indices),
   * split and order, block by block in every partition.
   */
  @Test
  void localGatherPacksTheSameBlocksAsTheShuffle() {
    Dataset<Row> df = spark.range(0, 20000, 1, 5).selectExpr("double(id) AS x", "double(-id) AS y",
        "CASE WHEN (id * 7) % 3 = 0 THEN 'c' WHEN (id * 7) % 3 = 1 THEN 'a' ELSE 'b' END AS label");
    int blocks = assertSameBlocks(df, PackingOptions.training(3, 2048, 0.2, 5, BadRowPolicy.FAIL));
    assertTrue(blocks > 6, "several training blocks per partition for the order to matter: " + blocks);
  }

  /** The same with an empty input partition, and more packed partitions than chunks (some stay empty). */
  @Test
  void localGatherMatchesTheShuffleWithEmptyPartitions() {
    Dataset<Row> df = spark.range(0, 3000, 1, 4).where("id < 750 OR id >= 1500").selectExpr("double(id) AS x",
        "double(-id) AS y", "CASE WHEN id % 3 = 0 THEN 'a' WHEN id % 3 = 1 THEN 'b' ELSE 'c' END AS label");
    assertSameBlocks(df, PackingOptions.training(7, 1024, 0.1, 3, BadRowPolicy.FAIL));
  }

  /** Packs {@code df} by both routes, asserts equal blocks partition by partition; returns the training blocks. */
  private int assertSameBlocks(Dataset<Row> df, PackingOptions options) {
    PackedData gathered = BlockPacker.pack(df, discovering(df), options, "the data", null, discovery(3));
    PackedData shuffled = BlockPacker.pack(df, discovering(df), options.shuffledEvenLocally(), "the data", null,
        discovery(3));
    try {
      assertTrue(!gathered.training().toDebugString().contains("ShuffledRDD"), gathered.training().toDebugString());
      assertTrue(shuffled.training().toDebugString().contains("ShuffledRDD"), shuffled.training().toDebugString());
      assertEquals(shuffled.trainingRows(), gathered.trainingRows());
      assertEquals(shuffled.validationRows(), gathered.validationRows());
      int trainingBlocks = 0;
      for (boolean validation : new boolean[] {false, true}) {
        org.apache.spark.api.java.JavaRDD<PackedBlock> expectedRdd = validation ? shuffled.validation()
            : shuffled.training();
        org.apache.spark.api.java.JavaRDD<PackedBlock> actualRdd = validation ? gathered.validation()
            : gathered.training();
        assertEquals(options.partitions(), actualRdd.getNumPartitions());
        for (int p = 0; p < options.partitions(); p++) {
          List<PackedBlock> expected = blocksOf(expectedRdd, p);
          List<PackedBlock> actual = blocksOf(actualRdd, p);
          assertEquals(expected.size(), actual.size(), "blocks in partition " + p);
          for (int b = 0; b < actual.size(); b++) {
            PackedBlock e = expected.get(b);
            PackedBlock a = actual.get(b);
            assertEquals(validation, a.isValidation());
            assertTrue(java.util.Arrays.equals(e.rowIds(), a.rowIds()), "ids of block " + b + " in partition " + p);
            assertTrue(java.util.Arrays.equals(e.features(), a.features()), "features of block " + b);
            assertTrue(java.util.Arrays.equals(e.targets(), a.targets()), "targets of block " + b);
          }
          trainingBlocks += validation ? 0 : actual.size();
        }
      }
      return trainingBlocks;
    } finally {
      gathered.release();
      shuffled.release();
    }
  }

  /** The blocks of partition {@code p}, in order. */
  private static List<PackedBlock> blocksOf(org.apache.spark.api.java.JavaRDD<PackedBlock> blocks, int p) {
    return blocks.mapPartitionsWithIndex((i, it) -> i == p ? it : java.util.Collections.emptyIterator(), true)
        .collect();
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
