package io.sparkdnn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.cli.Cli;
import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer on a real Spark standalone cluster (a master and two 1-core workers on 127.0.0.1,
 * started from Maven's jars by scripts/cluster.sh), jobs submitted through SparkSubmit with the
 * application jar, and the faults a cluster has: a lost executor, a lost driver, too little memory.
 */
class ClusterIT {
  @TempDir static Path dir;
  static LocalCluster cluster;
  static String blobs;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    SparkSession spark = SparkTestSession.get();
    blobs = dir.resolve("blobs.parquet").toString();
    TestData.blobs(spark, 40_000, 5, 40, 17, 4).write().parquet(blobs);
    cluster = LocalCluster.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Settings shared by the cluster run and its local reference: sync mode, fixed seed. */
  private static List<String> syncJob(String model, int epochs) {
    return new ArrayList<>(List.of("train", "--set", "data.train.path=" + blobs, "--set", "data.id-columns=[id]",
        "--set", "network.layers=40-64tanh+dropout0.1-5softmax", "--set", "training.mode=sync",
        "--set", "training.rounds-per-epoch=4", "--set", "training.epochs=" + epochs,
        "--set", "training.early-stopping.patience=0",
        "--set", "training.optimizer.name=momentum", "--set", "training.optimizer.learning-rate=0.05",
        "--set", "data.scaling=standard", "--set", "data.partitions=2", "--set", "training.seed=11",
        "--set", "model.path=" + model));
  }

  private static DnnModel model(String path) {
    return ModelReader.read(path, new Configuration(), "model.path");
  }

  /**
   * A model trained on the cluster through SparkSubmit equals one trained in local mode with the
   * same seed in sync mode: weights within 1e-5 (only the order of float sums differs).
   */
  @Test
  void clusterAndLocalModeTrainTheSameModel() throws Exception {
    String onCluster = dir.resolve("cluster-model").toString();
    Path log = dir.resolve("same.log");
    int status = cluster.run(log, Map.of(), syncJob(onCluster, 3).toArray(new String[0]));
    assertEquals(0, status, Files.readString(log));
    String local = dir.resolve("local-model").toString();
    Cli cli = Cli.run(syncJob(local, 3).toArray(new String[0]));
    assertEquals(0, cli.status, cli.toString());
    double diff = FloatArrays.maxAbsDifference(model(onCluster).weights(), model(local).weights());
    assertTrue(diff <= 1e-5, "max weight difference " + diff);
  }

  /**
   * kill -9 of an executor mid-training: Spark reruns its tasks (rebuilding lost cached blocks from
   * the source), every epoch still covers every training row (the trainer checks this each epoch,
   * and metrics.jsonl records it), and the final validation accuracy is within 0.02 of an
   * undisturbed run.
   */
  @Test
  void survivesTheLossOfAnExecutor() throws Exception {
    String model = dir.resolve("executor-loss").toString();
    List<String> job = syncJob(model, 12);
    Path checkpoints = dir.resolve("executor-loss-checkpoints");
    job.addAll(List.of("--set", "training.mode=local", "--set", "training.batch-size=32",
        "--set", "checkpoint.dir=" + checkpoints));
    Path log = dir.resolve("executor-loss.log");
    Process driver = cluster.submit(log, Map.of(), job.toArray(new String[0]));
    LocalCluster.awaitFile(checkpoints.resolve("epoch-000003.ckpt"), log, 180);
    List<Long> executors = LocalCluster.executors();
    assertEquals(2, executors.size(), "two executors before the kill: " + executors);
    LocalCluster.kill9(executors.get(0));
    assertEquals(0, driver.waitFor(), Files.readString(log));
    List<String> lines = Files.readAllLines(Path.of(model, "metrics.jsonl"));
    assertEquals(12, lines.size());
    long expected = JSON.readTree(Path.of(model, "metadata.json").toFile()).at("/rows/train").asLong();
    for (String line : lines) {
      assertEquals(expected, JSON.readTree(line).get("train_rows").asLong(), "every row in every epoch: " + line);
    }
    String undisturbed = dir.resolve("undisturbed").toString();
    List<String> same = syncJob(undisturbed, 12);
    same.addAll(List.of("--set", "training.mode=local", "--set", "training.batch-size=32"));
    assertEquals(0, Cli.run(same.toArray(new String[0])).status);
    double disturbed = lastValAccuracy(model);
    double reference = lastValAccuracy(undisturbed);
    assertTrue(Math.abs(disturbed - reference) <= 0.02, disturbed + " vs undisturbed " + reference);
  }

  private static double lastValAccuracy(String model) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(model, "metrics.jsonl"));
    return JSON.readTree(lines.get(lines.size() - 1)).get("val_accuracy").asDouble();
  }

  /**
   * kill -9 of the driver mid-training; the same command, submitted again, resumes from the last
   * checkpoint and ends with the weights of an uninterrupted run (sync mode): within 1e-5.
   */
  @Test
  void resumesAfterTheLossOfTheDriver() throws Exception {
    String model = dir.resolve("driver-loss").toString();
    List<String> job = syncJob(model, 8);
    job.addAll(List.of("--set", "checkpoint.dir=" + dir.resolve("checkpoints")));
    Path first = dir.resolve("driver-loss-1.log");
    Process driver = cluster.submit(first, Map.of(), job.toArray(new String[0]));
    LocalCluster.awaitFile(dir.resolve("checkpoints").resolve("epoch-000004.ckpt"), first, 180);
    driver.destroyForcibly().waitFor();
    Path second = dir.resolve("driver-loss-2.log");
    assertEquals(0, cluster.run(second, Map.of(), job.toArray(new String[0])), Files.readString(second));
    int resumedAfter = JSON.readTree(Path.of(model, "metadata.json").toFile()).get("resumed_after_epoch").asInt();
    assertTrue(resumedAfter >= 4, "resumed after epoch " + resumedAfter + ", but epoch 4's checkpoint was written");
    assertEquals(8, Files.readAllLines(Path.of(model, "metrics.jsonl")).size(), "the whole history");

    String reference = dir.resolve("uninterrupted").toString();
    assertEquals(0, Cli.run(syncJob(reference, 8).toArray(new String[0])).status);
    double diff = FloatArrays.maxAbsDifference(model(model).weights(), model(reference).weights());
    assertTrue(diff <= 1e-5, "max weight difference " + diff);
  }

  /** Executors with 512 MiB cannot hold ~470 MiB of cached blocks: they spill to disk and train on. */
  @Test
  void cachedDataSpillsToDiskOnASmallWorker() throws Exception {
    SparkSession spark = SparkTestSession.get();
    String wide = dir.resolve("wide.parquet").toString();
    spark.range(0, 300_000, 1, 4).selectExpr("int(id % 5) AS label",
        "transform(sequence(0, 199), i -> float((id % 5) * 0.2 + i * 0.001 + (id % 13) * 0.01)) AS features")
        .write().parquet(wide);
    String model = dir.resolve("spill-model").toString();
    Path log = dir.resolve("spill.log");
    int status = cluster.run(log, Map.of("DNN_EXECUTOR_MEMORY", "512m"), "train",
        "--set", "data.train.path=" + wide, "--set", "network.layers=200-16relu-5softmax",
        "--set", "training.epochs=2", "--set", "data.partitions=2", "--set", "model.path=" + model);
    String text = Files.readString(log);
    assertEquals(0, status, text);
    Matcher m = Pattern.compile("cached ([0-9.]+) MiB in memory, ([0-9.]+) MiB on disk").matcher(text);
    assertTrue(m.find(), text);
    assertTrue(Double.parseDouble(m.group(2)) > 0, "some blocks on disk: " + m.group());
    JsonNode metrics = JSON.readTree(Path.of(model, "metadata.json").toFile()).get("validation_metrics");
    assertTrue(metrics.get("accuracy").asDouble() > 0.9, metrics.toString());
  }
}
