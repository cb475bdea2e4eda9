package io.sparkdnn.bench;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.Tokenizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Debian package index as a text-classification dataset: each package's one-line Description,
 * and its Section (the archive area prefix, "contrib/" or "non-free/", dropped) as the label. Read
 * from the output of {@code apt-cache dumpavail} (~64k packages on bookworm, ~6.6 words each).
 */
final class DebianPackages {
  private DebianPackages() {}

  /** package → (section, description), in file order; a package listed twice keeps its first record. */
  static Map<String, String[]> parse(Path dumpavail) throws IOException {
    Map<String, String[]> packages = new LinkedHashMap<>();
    String name = null;
    String section = null;
    String description = null;
    for (String line : Files.readAllLines(dumpavail, StandardCharsets.UTF_8)) {
      if (line.isEmpty()) {
        add(packages, name, section, description);
        name = section = description = null;
      } else if (line.startsWith("Package: ")) {
        name = line.substring(9).trim();
      } else if (line.startsWith("Section: ")) {
        String s = line.substring(9).trim();
        section = s.substring(s.indexOf('/') + 1);
      } else if (line.startsWith("Description: ")) {
        description = line.substring(13).trim();
      }
    }
    add(packages, name, section, description);
    return packages;
  }

  private static void add(Map<String, String[]> packages, String name, String section, String description) {
    if (name != null && section != null && description != null) {
      packages.putIfAbsent(name, new String[] {section, description});
    }
  }

  /**
   * The packages of the {@code sections} most common sections, as train (80%) and test (20%, by a
   * hash of the package name) with columns package, section (the label, a string) and features:
   * Spark ML's Tokenizer and HashingTF with {@code numFeatures} (term counts, SparseVectors).
   */
  static List<Dataset<Row>> trainAndTest(SparkSession spark, Path dumpavail, int sections, int numFeatures)
      throws IOException {
    Map<String, String[]> packages = parse(dumpavail);
    List<Row> rows = new ArrayList<>();
    packages.forEach((name, v) -> rows.add(RowFactory.create(name, v[0], v[1])));
    StructType schema = new StructType().add("package", DataTypes.StringType).add("section", DataTypes.StringType)
        .add("description", DataTypes.StringType);
    Dataset<Row> all = spark.createDataFrame(rows, schema);
    List<String> top = new ArrayList<>();
    for (Row r : all.groupBy("section").count().orderBy(col("count").desc(), col("section")).limit(sections)
        .collectAsList()) {
      top.add(r.getString(0));
    }
    Dataset<Row> kept = all.where(col("section").isin(top.toArray()));
    Dataset<Row> words = new Tokenizer().setInputCol("description").setOutputCol("words").transform(kept);
    Dataset<Row> hashed = new HashingTF().setInputCol("words").setOutputCol("features").setNumFeatures(numFeatures)
        .transform(words).select("package", "section", "features");
    Dataset<Row> fold = hashed.withColumn("fold", pmod(hash(col("package")), lit(5)));
    List<Dataset<Row>> out = new ArrayList<>();
    out.add(fold.where(col("fold").notEqual(0)).drop("fold"));
    out.add(fold.where(col("fold").equalTo(0)).drop("fold"));
    return out;
  }
}
