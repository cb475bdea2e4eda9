package io.sparkdnn.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prediction reads Spark's internal rows where it can and external {@link Row}s after an exchange
 * (see {@link ModelScoring}): kept columns of every kind of type, with nulls, and rows refused for a
 * null feature come out the same either way.
 */
class ScoringRoutesTest {
  /** A 3-feature (a, b, c) classifier of cats, dogs and emus. */
  private static final String MODEL = Path.of("src/test/resources/golden/model-v1").toAbsolutePath().toString();
  @TempDir Path dir;

  @Test
  void keptColumnsOfEveryTypeAndRefusedRowsAreTheSameOnBothRoutes() {
    SparkSession spark = SparkTestSession.get();
    DnnModel model = ModelReader.read(MODEL, spark.sparkContext().hadoopConfiguration(), "predict.model");
    String path = dir.resolve("mixed.parquet").toString();
    spark.range(0, 300).selectExpr("id",
        "CASE WHEN id % 11 = 4 THEN NULL ELSE CAST(id % 7 AS DOUBLE) / 3 END AS a",
        "CAST(id % 5 AS FLOAT) AS b", "id % 3 AS c",
        "CASE WHEN id % 4 = 0 THEN NULL ELSE concat('name-', id) END AS name",
        "array(concat('t', id % 3), CASE WHEN id % 2 = 0 THEN NULL ELSE 'odd' END) AS tags",
        "map('k', CAST(id AS INT), 'j', CAST(NULL AS INT)) AS attributes",
        "named_struct('x', id * 1.5, 'y', CASE WHEN id % 6 = 0 THEN NULL ELSE array(id, id + 1) END) AS nested",
        "CAST(id / 7 AS DECIMAL(20, 4)) AS amount", "CAST(NULL AS STRING) AS empty",
        "CAST(id AS TIMESTAMP) AS at", "binary(concat('b', id)) AS bytes")
        .repartition(3).write().parquet(path);
    Dataset<Row> data = spark.read().parquet(path);

    Dataset<Row> internal = ModelScoring.predict(model, data, null, BadRowPolicy.SKIP, "mixed");
    Dataset<Row> external = ModelScoring.predict(model, data.repartition(2), null, BadRowPolicy.SKIP, "mixed");
    assertTrue(internal.queryExecution().analyzed().toString().contains("LogicalRDD"),
        "internal rows: " + internal.queryExecution().analyzed());
    assertTrue(!external.queryExecution().analyzed().toString().contains("LogicalRDD"),
        "external rows: " + external.queryExecution().analyzed());
    assertEquals(List.of(external.schema().fields()), List.of(internal.schema().fields()));

    Map<Long, String> expected = new HashMap<>();
    external.collectAsList().forEach(r -> expected.put(r.getLong(0), render(r)));
    List<Row> rows = internal.collectAsList();
    assertEquals(300, rows.size());
    int refused = 0;
    for (Row r : rows) {
      assertEquals(expected.get(r.getLong(0)), render(r), "row " + r.getLong(0));
      if (r.getLong(0) % 11 == 4) {
        assertTrue(r.isNullAt(r.fieldIndex(ModelScoring.PREDICTION)), "a null feature gets no prediction: " + r);
        refused++;
      } else {
        assertTrue(List.of("cat", "dog", "emu").contains(r.getString(r.fieldIndex(ModelScoring.PREDICTION))), r.toString());
      }
    }
    assertEquals(27, refused); // ids 4, 15, …, 290
  }

  /**
   * One column holding all features is read by its cells' type: a model trained on Spark ML vectors
   * scores the same rows as numeric arrays alike (it refused them), and the other way round.
   */
  @Test
  void vectorsAndArraysOfTheSameFeaturesScoreAlike() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> arrays = io.sparkdnn.TestData.blobs(spark, 60, 3, 4, 1, 2); // arrays of floats
    Dataset<Row> vectors = arrays.withColumn("features",
        org.apache.spark.ml.functions.array_to_vector(arrays.col("features")));
    for (Dataset<Row> trainedOn : List.of(vectors, arrays)) {
      io.sparkdnn.ml.DnnClassificationModel model = new io.sparkdnn.ml.DnnClassifier().setHiddenLayers("8relu")
          .setEpochs(2).setSeed(3).fit(trainedOn);
      List<Row> fromVectors = model.transform(vectors).select("id", "probability").orderBy("id").collectAsList();
      List<Row> fromArrays = model.transform(arrays).select("id", "probability").orderBy("id").collectAsList();
      assertEquals(60, fromArrays.size());
      assertEquals(fromVectors, fromArrays);
    }
  }

  /** The row as text, binary cells by content. */
  private static String render(Row r) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < r.length(); i++) {
      Object v = r.get(i);
      text.append(v instanceof byte[] ? java.util.Arrays.toString((byte[]) v) : String.valueOf(v)).append('|');
    }
    return text.toString();
  }
}
