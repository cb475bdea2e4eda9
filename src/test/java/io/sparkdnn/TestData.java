package io.sparkdnn;

import io.sparkdnn.engine.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Generated datasets with known structure, so that tests can state the quality to reach. */
public final class TestData {
  private TestData() {}

  /**
   * {@code classes} Gaussian blobs in {@code dims} dimensions (centres on a scaled simplex-ish grid,
   * σ = 1), label an int, features an array of floats. Separable enough for > 95% accuracy.
   */
  public static Dataset<Row> blobs(SparkSession spark, int n, int classes, int dims, long seed, int partitions) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] centres = new double[classes][dims];
    SplittableRandom centreRandom = new SplittableRandom(1000 + classes * 31L + dims);
    for (int c = 0; c < classes; c++) {
      for (int d = 0; d < dims; d++) {
        centres[c][d] = centreRandom.nextDouble(-4, 4);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = random.nextInt(classes);
      List<Float> x = new ArrayList<>(dims);
      for (int d = 0; d < dims; d++) {
        x.add((float) (centres[label][d] + Seeds.gaussian(random)));
      }
      rows.add(RowFactory.create(i, label, x));
    }
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType)
        .add("label", DataTypes.IntegerType)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, false));
    return spark.createDataFrame(rows, schema).repartition(partitions);
  }

  /** XOR of two bits with a little noise, as columns x1, x2 and a 0/1 label. */
  public static Dataset<Row> xor(SparkSession spark, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int a = random.nextInt(2);
      int b = random.nextInt(2);
      rows.add(RowFactory.create(a + 0.1 * Seeds.gaussian(random), b + 0.1 * Seeds.gaussian(random), (double) (a ^ b)));
    }
    StructType schema = new StructType()
        .add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema);
  }

  /** y1 = sin(x1) + x2/2, y2 = x1·x3 with noise σ = 0.05, features as an ML vector. */
  public static Dataset<Row> regression(SparkSession spark, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x1 = random.nextDouble(-2, 2), x2 = random.nextDouble(-2, 2), x3 = random.nextDouble(-2, 2);
      double y1 = Math.sin(x1) + 0.5 * x2 + 0.05 * Seeds.gaussian(random);
      double y2 = x1 * x3 + 0.05 * Seeds.gaussian(random);
      rows.add(RowFactory.create(Vectors.dense(x1, x2, x3), y1, y2));
    }
    StructType schema = new StructType()
        .add("features", new VectorUDT()).add("y1", DataTypes.DoubleType).add("y2", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema);
  }

  /** Three labels: l0 = x1 > 0, l1 = x2 > x3, l2 = |x1 + x2| > 1; features as columns. */
  public static Dataset<Row> multilabel(SparkSession spark, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double x1 = random.nextDouble(-2, 2), x2 = random.nextDouble(-2, 2), x3 = random.nextDouble(-2, 2);
      rows.add(RowFactory.create(x1, x2, x3, x1 > 0 ? 1 : 0, x2 > x3 ? 1 : 0, Math.abs(x1 + x2) > 1 ? 1 : 0));
    }
    StructType schema = new StructType()
        .add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType).add("x3", DataTypes.DoubleType)
        .add("l0", DataTypes.IntegerType).add("l1", DataTypes.IntegerType).add("l2", DataTypes.IntegerType);
    return spark.createDataFrame(rows, schema);
  }

}
