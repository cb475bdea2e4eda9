package io.sparkdnn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.data.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dnn prepare} writes its directories whole or not at all, and replaces only a dataset it
 * wrote itself: Spark's overwrite mode had deleted a user's directory at prepare.output/NAME, and a
 * failure half-way had left train.parquet new and test.parquet old.
 */
class PrepareJobTest {
  private final SparkSession spark = SparkTestSession.get();
  @TempDir Path dir;

  private String prepare(String output, String... sets) {
    List<String> all = new ArrayList<>(List.of("prepare.output=" + output, "prepare.rows=100"));
    all.addAll(List.of(sets));
    return new PrepareJob(ConfigLoader.load(null, all)).run(spark);
  }

  @Test
  void aDirectoryPrepareDidNotWriteIsNeverReplaced() throws Exception {
    Path mine = Files.createDirectories(dir.resolve("out/regression.parquet"));
    Files.writeString(mine.resolve("notes.txt"), "precious");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> prepare(dir.resolve("out").toString(),
        "prepare.dataset=synthetic", "prepare.overwrite=true"));
    assertTrue(e.getMessage().contains("regression.parquet") && e.getMessage().contains("not"), e.getMessage());
    assertEquals("precious", Files.readString(mine.resolve("notes.txt")));
    try (java.util.stream.Stream<Path> left = Files.list(dir.resolve("out"))) {
      assertEquals(List.of("regression.parquet"), left.map(p -> p.getFileName().toString()).toList(),
          "nothing else written, no staging directory left");
    }
  }

  @Test
  void itsOwnDatasetIsReplacedOnlyWithOverwrite() throws Exception {
    String out = dir.resolve("syn").toString();
    prepare(out, "prepare.dataset=synthetic");
    long first = spark.read().parquet(out + "/multiclass.parquet").count();
    assertEquals(100, first);
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> prepare(out, "prepare.dataset=synthetic"));
    assertTrue(refused.getMessage().contains("set prepare.overwrite = true"), refused.getMessage());
    prepare(out, "prepare.dataset=synthetic", "prepare.overwrite=true", "prepare.rows=150");
    assertEquals(150, spark.read().parquet(out + "/multiclass.parquet").count());
    assertEquals(150, spark.read().option("header", "true").csv(out + "/binary.csv").count());
  }

  @Test
  void aMissingSourceFileStopsPrepareBeforeAnythingIsReplaced() throws Exception {
    Path source = Files.createDirectories(dir.resolve("source"));
    Path installed = Path.of("/usr/share/datasets/fashion-mnist");
    for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"}) {
      Files.copy(installed.resolve(f), source.resolve(f));
    }
    // a dataset prepare wrote (its writer marker says so) stands at fm/train.parquet
    prepare(dir.resolve("syn").toString(), "prepare.dataset=synthetic");
    Path train = dir.resolve("fm/train.parquet");
    Files.createDirectories(train);
    try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("syn/multiclass.parquet"))) {
      for (Path f : files.toList()) {
        Files.copy(f, train.resolve(f.getFileName()));
      }
    }
    String out = dir.resolve("fm").toString();
    DataException e = assertThrows(DataException.class, () -> prepare(out, "prepare.dataset=fashion-mnist",
        "prepare.source=" + source, "prepare.overwrite=true"));
    assertTrue(e.getMessage().startsWith("missing Fashion-MNIST file " + source.resolve("t10k-images-idx3-ubyte.gz")),
        e.getMessage());
    assertTrue(e.getMessage().contains("prepare.source"), e.getMessage());
    assertEquals(100, spark.read().parquet(train.toString()).count(), "the existing directory untouched");
    try (java.util.stream.Stream<Path> left = Files.list(dir.resolve("fm"))) {
      assertEquals(List.of("train.parquet"), left.map(p -> p.getFileName().toString()).toList(),
          "nothing written, no staging directory left");
    }
  }
}
