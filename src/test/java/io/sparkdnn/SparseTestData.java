package io.sparkdnn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Generated sparse "documents": each of {@code classes} classes has its own 40 topic words among
 * {@code width} features; a row holds about {@code words} words, two thirds drawn from its class's
 * topic and the rest from anywhere, as word counts (1–3) in a Spark ML SparseVector. Separable
 * enough for > 90% accuracy with a small network, and sparse: ~words / width of each row is non-zero.
 */
public final class SparseTestData {
  private SparseTestData() {}

  /** Columns id (int), label (int) and features (a SparseVector of {@code width}). */
  public static Dataset<Row> documents(SparkSession spark, int rows, int classes, int width, int words, long seed,
      int partitions) {
    List<Row> out = new ArrayList<>();
    for (Document d : generate(rows, classes, width, words, seed)) {
      out.add(RowFactory.create(d.id, d.label, Vectors.sparse(width, d.indices, d.values)));
    }
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType)
        .add("label", DataTypes.IntegerType)
        .add("features", new VectorUDT());
    return spark.createDataFrame(out, schema).repartition(partitions);
  }

  /** One generated row. */
  public static final class Document {
    public final int id;
    public final int label;
    public final int[] indices;
    public final double[] values;

    Document(int id, int label, int[] indices, double[] values) {
      this.id = id;
      this.label = label;
      this.indices = indices;
      this.values = values;
    }
  }

  public static List<Document> generate(int rows, int classes, int width, int words, long seed) {
    SplittableRandom topics = new SplittableRandom(77 + width);
    int[][] topic = new int[classes][40];
    for (int c = 0; c < classes; c++) {
      for (int k = 0; k < 40; k++) {
        topic[c][k] = topics.nextInt(width);
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Document> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      int label = random.nextInt(classes);
      int n = 1 + random.nextInt(2 * words - 1);
      TreeMap<Integer, Double> counts = new TreeMap<>();
      for (int k = 0; k < n; k++) {
        int word = random.nextInt(3) < 2 ? topic[label][random.nextInt(40)] : random.nextInt(width);
        counts.merge(word, 1.0, Double::sum);
      }
      int[] indices = new int[counts.size()];
      double[] values = new double[counts.size()];
      int k = 0;
      for (var e : counts.entrySet()) {
        indices[k] = e.getKey();
        values[k++] = Math.min(3, e.getValue());
      }
      out.add(new Document(i, label, indices, values));
    }
    return out;
  }
}
