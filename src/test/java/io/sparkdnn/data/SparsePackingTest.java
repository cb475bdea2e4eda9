package io.sparkdnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.SparseTestData;
import io.sparkdnn.engine.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Sparse rows packed as CSR: the same rows and values as dense packing, statistics, scaling, layout choice. */
class SparsePackingTest {
  private final SparkSession spark = SparkTestSession.get();

  private static InputColumns columns(Dataset<Row> data, DataLayout layout) {
    return ColumnResolver.resolve(data, List.of("features"), List.of("label"), List.of(), Task.MULTICLASS, "data")
        .withLayout(layout);
  }

  private static PackedData pack(Dataset<Row> data, DataLayout layout, double validation) {
    InputColumns c = columns(data, layout);
    RowConverter converter = new RowConverter(c, Task.MULTICLASS, LabelIndex.identity(4), 1);
    return BlockPacker.pack(ColumnResolver.selectForPacking(data, c), converter,
        PackingOptions.training(3, 2048, validation, 5, BadRowPolicy.FAIL), "data");
  }

  /** Row id → its features as a dense row, from either layout. */
  private static Map<Long, float[]> rows(PackedData packed) {
    Map<Long, float[]> out = new HashMap<>();
    List<PackedBlock> blocks = new ArrayList<>(packed.training().collect());
    if (packed.validation() != null) {
      blocks.addAll(packed.validation().collect());
    }
    for (PackedBlock b : blocks) {
      for (int r = 0; r < b.rows(); r++) {
        float[] row = new float[b.width()];
        if (b.isSparse()) {
          CsrRows x = b.sparseFeatures();
          int previous = -1;
          for (int p = x.rowOffsets()[r]; p < x.rowOffsets()[r + 1]; p++) {
            assertTrue(x.columns()[p] > previous, "columns ascending");
            assertTrue(x.values()[p] != 0f, "no explicit zeros stored");
            previous = x.columns()[p];
            row[x.columns()[p]] = x.values()[p];
          }
        } else {
          System.arraycopy(b.features(), r * b.width(), row, 0, b.width());
        }
        out.put(b.rowIds()[r], row);
      }
    }
    return out;
  }

  @Test
  void sparsePackingHoldsTheRowsDensePackingHolds() {
    Dataset<Row> data = SparseTestData.documents(spark, 3000, 4, 1500, 6, 3, 4);
    PackedData dense = pack(data, DataLayout.DENSE, 0.2);
    PackedData sparse = pack(data, DataLayout.SPARSE, 0.2);
    try {
      assertTrue(sparse.isSparse());
      assertEquals(dense.trainingRows(), sparse.trainingRows());
      assertEquals(dense.validationRows(), sparse.validationRows());
      Map<Long, float[]> a = rows(dense);
      Map<Long, float[]> b = rows(sparse);
      assertEquals(a.keySet(), b.keySet());
      long nonZeros = 0;
      for (Map.Entry<Long, float[]> e : a.entrySet()) {
        assertArrayEquals(e.getValue(), b.get(e.getKey()), "row " + e.getKey());
        for (float v : e.getValue()) {
          nonZeros += v != 0f ? 1 : 0;
        }
      }
      assertEquals(nonZeros, sparse.nonZeros());
      // 8 bytes per non-zero, plus per row an offset (4), a target (4) and an id (8).
      long rows = sparse.trainingRows() + sparse.validationRows();
      long blocks = sparse.partitions() * 2L + 2;
      assertTrue(sparse.payloadBytes() <= 8 * nonZeros + 16 * rows + 4 * blocks, "payload " + sparse.payloadBytes());
      assertEquals(dense.payloadBytes(), 4L * 1500 * rows + 12 * rows);
    } finally {
      dense.release();
      sparse.release();
    }
  }

  /** Any feature column can be packed sparse: an array column keeps its non-zeros. */
  @Test
  void anArrayColumnPackedSparseHoldsItsNonZeros() {
    Dataset<Row> blobs = io.sparkdnn.TestData.blobs(spark, 400, 4, 5, 2, 2)
        .selectExpr("label", "transform(features, (x, i) -> IF(i % 2 = 0, 0.0f, x)) AS features");
    PackedData dense = pack(blobs, DataLayout.DENSE, 0);
    PackedData sparse = pack(blobs, DataLayout.SPARSE, 0);
    try {
      Map<Long, float[]> a = rows(dense);
      Map<Long, float[]> b = rows(sparse);
      assertEquals(a.keySet(), b.keySet());
      a.forEach((id, row) -> assertArrayEquals(row, b.get(id)));
      assertEquals(2L * 400, sparse.nonZeros(), "features 1 and 3 of each row");
    } finally {
      dense.release();
      sparse.release();
    }
  }

  /** Statistics from sparse rows (sums over non-zeros and one merge per block) equal a dense pass. */
  @Test
  void sparseStatisticsEqualDenseOnes() {
    SplittableRandom random = new SplittableRandom(8);
    int width = 6;
    float[][] dense = new float[500][width];
    CsrRows.Builder b = new CsrRows.Builder(10, 10);
    for (float[] row : dense) {
      SparseRow s = new SparseRow();
      for (int j = 0; j < width; j++) {
        // column 0 never zero, column 1 always zero, column 5 negative, the rest sometimes
        double u = random.nextDouble();
        row[j] = j == 0 ? (float) (1 + u) : j == 1 ? 0f : u < 0.7 ? 0f : (float) (j == 5 ? -u * 4 : u * 10);
        if (row[j] != 0f) {
          s.add(j, row[j]);
        }
      }
      b.add(s);
    }
    CsrRows all = b.build();
    FeatureStatistics fromDense = new FeatureStatistics();
    float[] flat = new float[dense.length * width];
    for (int r = 0; r < dense.length; r++) {
      System.arraycopy(dense[r], 0, flat, r * width, width);
    }
    fromDense.add(flat, dense.length, width);
    FeatureStatistics fromSparse = new FeatureStatistics().add(all.slice(0, 123), width).add(all.slice(123, 500), width);
    assertEquals(fromDense.count(), fromSparse.count());
    for (int j = 0; j < width; j++) {
      assertEquals(fromDense.mean(j), fromSparse.mean(j), 1e-9, "mean " + j);
      assertEquals(fromDense.std(j), fromSparse.std(j), 1e-7, "std " + j);
      assertEquals(fromDense.min(j), fromSparse.min(j), "min " + j);
      assertEquals(fromDense.max(j), fromSparse.max(j), "max " + j);
    }
    assertEquals(500, fromSparse.nonZeroRows(0));
    assertEquals(0, fromSparse.nonZeroRows(1));
    assertEquals(all.nonZeros() / 500.0, fromSparse.nonZerosPerRow(), 1e-12);
  }

  @Test
  void scalingsThatMoveZerosAreRefusedOnSparseRows() {
    FeatureStatistics stats = new FeatureStatistics();
    CsrRows.Builder b = new CsrRows.Builder(2, 4);
    b.add(new int[] {0, 2}, new float[] {4f, 0.5f}, 0, 2);
    b.add(new int[] {0, 1}, new float[] {-8f, 0.25f}, 0, 2);
    stats.add(b.build(), 3);
    for (ScalingMode refused : new ScalingMode[] {ScalingMode.STANDARD, ScalingMode.MINMAX}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> FeatureScaling.fitForSparseRows(refused, stats, 3));
      assertTrue(e.getMessage().contains("data.scaling = " + refused.token() + " does not suit sparse rows"),
          e.getMessage());
      assertTrue(e.getMessage().contains("non-zero") && e.getMessage().contains("maxabs"), e.getMessage());
    }
    // auto: feature 0 lies outside [0, 1] and is divided by max|x| = 8; features 1 and 2 are left.
    FeatureScaling auto = FeatureScaling.fitForSparseRows(ScalingMode.AUTO, stats, 3);
    assertTrue(auto.keepsZeros());
    assertArrayEquals(new float[] {1f / 8, 1f, 1f}, auto.scale());
    float[] out = new float[2];
    auto.applyToNonZeros(new int[] {0, 2}, new float[] {4f, 0.5f}, 0, 2, out, 0);
    assertArrayEquals(new float[] {0.5f, 0.5f}, out);
    FeatureScaling maxabs = FeatureScaling.fitForSparseRows(ScalingMode.MAXABS, stats, 3);
    assertArrayEquals(new float[] {1f / 8, 4f, 2f}, maxabs.scale());
    FeatureScaling scaleOnly = FeatureScaling.fitForSparseRows(ScalingMode.STANDARD_SCALE_ONLY, stats, 3);
    assertTrue(scaleOnly.keepsZeros());
    assertEquals(1 / stats.std(0), scaleOnly.scale()[0], 1e-6);
    assertNull(ScalingMode.MAXABS.whyNotForSparseRows());
  }

  @Test
  void autoLayoutFollowsTheInput() {
    Dataset<Row> wideSparse = SparseTestData.documents(spark, 200, 2, 5000, 6, 1, 1);
    assertEquals(DataLayout.SPARSE, LayoutResolver.resolve(DataLayout.AUTO, wideSparse,
        columns(wideSparse, DataLayout.DENSE)).layout());
    assertEquals(DataLayout.DENSE, LayoutResolver.resolve(DataLayout.DENSE, wideSparse,
        columns(wideSparse, DataLayout.DENSE)).layout(), "a forced layout is kept");
    Dataset<Row> narrow = SparseTestData.documents(spark, 200, 2, 500, 6, 1, 1);
    LayoutResolver.Choice c = LayoutResolver.resolve(DataLayout.AUTO, narrow, columns(narrow, DataLayout.DENSE));
    assertEquals(DataLayout.DENSE, c.layout(), c.reason());
    List<Row> denseRows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      double[] v = new double[2000];
      v[i] = 1;
      denseRows.add(RowFactory.create(i % 2, Vectors.dense(v)));
    }
    Dataset<Row> stored = spark.createDataFrame(denseRows,
        new StructType().add("label", DataTypes.IntegerType).add("features", new VectorUDT()));
    c = LayoutResolver.resolve(DataLayout.AUTO, stored, columns(stored, DataLayout.DENSE));
    assertEquals(DataLayout.DENSE, c.layout(), "dense vectors stay dense: " + c.reason());
  }

  @Test
  void csrRowsSliceAndConcat() {
    CsrRows.Builder b = new CsrRows.Builder(1, 1);
    b.add(new int[] {1, 4}, new float[] {1f, 2f}, 0, 2);
    b.add(new int[0], new float[0], 0, 0);
    b.add(new int[] {0, 3, 5}, new float[] {3f, 4f, 5f}, 0, 3);
    CsrRows all = b.build();
    assertEquals(3, all.rows());
    assertEquals(5, all.nonZeros());
    CsrRows tail = all.slice(1, 3);
    assertArrayEquals(new int[] {0, 0, 3}, tail.rowOffsets());
    CsrRows again = CsrRows.concat(List.of(all.slice(0, 1), tail));
    assertArrayEquals(all.rowOffsets(), again.rowOffsets());
    assertArrayEquals(all.columns(), again.columns());
    assertArrayEquals(all.values(), again.values());
    PackedBlock block = new PackedBlock(3, 6, 1, all, new float[3], new long[] {7, 8, 9}, null, false);
    assertThrows(IllegalStateException.class, block::features);
    assertEquals(4L * 4 + 8 * 5 + 4 * 3 + 8 * 3, block.payloadBytes());
    assertEquals(2, block.slice(1, 3).rows());
  }
}
