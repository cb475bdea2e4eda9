package io.sparkdnn.data;

import io.sparkdnn.engine.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small generated datasets with known structure, one per task kind, for the example
 * configurations in conf/ and for trying the tool without downloading anything:
 *
 * <ul>
 *   <li>{@code multiclass.parquet}: 5 Gaussian blobs in 20 dimensions, string labels, id column;
 *   <li>{@code binary.csv}: two interleaved half-moons with noise, columns x1..x2 plus 6 noise
 *       columns, label "yes"/"no";
 *   <li>{@code regression.parquet}: Friedman #1, y = 10 sin(π x1 x2) + 20 (x3 − ½)² + 10 x4 + 5 x5 + ε,
 *       10 uniform features as an ML vector (5 of them irrelevant), ε ~ N(0, 1);
 *   <li>{@code multilabel.parquet}: 3 labels from thresholds on 8 features.
 * </ul>
 */
public final class SyntheticData {
  private SyntheticData() {}

  /** The directories {@link #write} makes. */
  public static final List<String> OUTPUTS = List.of("multiclass.parquet", "binary.csv", "regression.parquet",
      "multilabel.parquet");

  /** Writes each of {@link #OUTPUTS} ({@code rows} rows) to {@code target.apply(name)} with {@code mode}. */
  public static void write(SparkSession spark, java.util.function.Function<String, String> target, int rows,
      long seed, SaveMode mode) {
    multiclass(spark, rows, seed).write().mode(mode).parquet(target.apply(OUTPUTS.get(0)));
    binary(spark, rows, seed + 1).write().mode(mode).option("header", "true").csv(target.apply(OUTPUTS.get(1)));
    regression(spark, rows, seed + 2).write().mode(mode).parquet(target.apply(OUTPUTS.get(2)));
    multilabel(spark, rows, seed + 3).write().mode(mode).parquet(target.apply(OUTPUTS.get(3)));
  }

  public static Dataset<Row> multiclass(SparkSession spark, int n, long seed) {
    String[] names = {"alpha", "beta", "gamma", "delta", "epsilon"};
    int dims = 20;
    SplittableRandom random = new SplittableRandom(seed);
    double[][] centres = new double[names.length][dims];
    for (double[] c : centres) {
      for (int d = 0; d < dims; d++) {
        c[d] = random.nextDouble(-1.5, 1.5);
      }
    }
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int k = random.nextInt(names.length);
      float[] x = new float[dims];
      for (int d = 0; d < dims; d++) {
        x[d] = (float) (centres[k][d] + Seeds.gaussian(random));
      }
      rows.add(RowFactory.create((long) i, names[k], x));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType).add("species", DataTypes.StringType)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, false));
    return spark.createDataFrame(rows, schema);
  }

  public static Dataset<Row> binary(SparkSession spark, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      boolean upper = random.nextBoolean();
      double t = random.nextDouble(0, Math.PI);
      double x1 = upper ? Math.cos(t) : 1 - Math.cos(t);
      double x2 = upper ? Math.sin(t) : 0.5 - Math.sin(t);
      Object[] values = new Object[9];
      values[0] = x1 + 0.15 * Seeds.gaussian(random);
      values[1] = x2 + 0.15 * Seeds.gaussian(random);
      for (int j = 2; j < 8; j++) {
        values[j] = Seeds.gaussian(random);
      }
      values[8] = upper ? "yes" : "no";
      rows.add(RowFactory.create(values));
    }
    StructType schema = new StructType();
    for (int j = 1; j <= 8; j++) {
      schema = schema.add("x" + j, DataTypes.DoubleType);
    }
    return spark.createDataFrame(rows, schema.add("label", DataTypes.StringType));
  }

  public static Dataset<Row> regression(SparkSession spark, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] x = new double[10];
      for (int j = 0; j < 10; j++) {
        x[j] = random.nextDouble();
      }
      double y = 10 * Math.sin(Math.PI * x[0] * x[1]) + 20 * Math.pow(x[2] - 0.5, 2) + 10 * x[3] + 5 * x[4]
          + Seeds.gaussian(random);
      rows.add(RowFactory.create(Vectors.dense(x), y));
    }
    StructType schema = new StructType().add("features", new VectorUDT()).add("y", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema);
  }

  public static Dataset<Row> multilabel(SparkSession spark, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double[] x = new double[8];
      for (int j = 0; j < 8; j++) {
        x[j] = random.nextDouble(-1, 1);
      }
      Object[] values = new Object[11];
      for (int j = 0; j < 8; j++) {
        values[j] = x[j];
      }
      values[8] = x[0] + x[1] > 0 ? 1 : 0;
      values[9] = x[2] * x[3] > 0 ? 1 : 0;
      values[10] = Math.abs(x[4]) > 0.5 ? 1 : 0;
      rows.add(RowFactory.create(values));
    }
    StructType schema = new StructType();
    for (int j = 0; j < 8; j++) {
      schema = schema.add("f" + j, DataTypes.DoubleType);
    }
    schema = schema.add("sum_positive", DataTypes.IntegerType).add("same_sign", DataTypes.IntegerType)
        .add("far_out", DataTypes.IntegerType);
    return spark.createDataFrame(rows, schema);
  }

}
