package io.sparkdnn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.cli.Cli;
import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.files.DirectoryLock;
import io.sparkdnn.model.ModelReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduled run killed with kill -9 mid-training: the same command with the same run id takes
 * over its lock, resumes from its checkpoint and ends with the weights of an uninterrupted run.
 */
class StoreIT {
  @TempDir Path dir;

  private List<String> job(String data, Path store) {
    return new ArrayList<>(List.of("train", "--store", store.toString(), "--name", "nightly", "--run-id", "2026-11-27",
        "--set", "data.train.path=" + data, "--set", "data.id-columns=[id]",
        "--set", "network.layers=40-64tanh+dropout0.1-5softmax", "--set", "training.mode=sync",
        "--set", "training.rounds-per-epoch=4", "--set", "training.epochs=10", "--set", "training.seed=4",
        "--set", "training.optimizer.name=momentum", "--set", "training.optimizer.learning-rate=0.05",
        "--set", "data.scaling=standard", "--set", "data.partitions=2"));
  }

  @Test
  void aKilledRunResumesAndEndsWithTheUninterruptedWeights() throws Exception {
    String data = dir.resolve("blobs.parquet").toString();
    TestData.blobs(SparkTestSession.get(), 40_000, 5, 40, 23, 4).write().parquet(data);
    Path store = dir.resolve("store");
    Path log = dir.resolve("first.log");
    List<String> command = new ArrayList<>(List.of(Path.of("scripts/dnn").toAbsolutePath().toString()));
    command.addAll(job(data, store));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("DNN_SKIP_BUILD", "1");
    Process first = pb.start();
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!Files.readString(log).contains("epoch  4/10") && System.nanoTime() < end && first.isAlive()) {
        Thread.sleep(100);
      }
      assertTrue(Files.readString(log).contains("epoch  4/10"), Files.readString(log));
      first.destroyForcibly().waitFor();
    } finally {
      first.destroyForcibly();
    }
    assertTrue(Files.exists(store.resolve("nightly/LOCK")), "the killed run left its lock");
    Path checkpointLock = store.resolve("nightly/runs/2026-11-27/checkpoints").resolve(DirectoryLock.FILE);
    assertTrue(Files.exists(checkpointLock), "and its checkpoint directory's, which the retry takes over");

    Cli resumed = Cli.run(job(data, store).toArray(new String[0]));
    assertEquals(0, resumed.status, resumed.toString());
    assertTrue(resumed.out.contains("of them before resuming from a checkpoint"), resumed.out);
    assertFalse(Files.exists(checkpointLock), "released when training ended");
    String version = Files.readString(store.resolve("nightly/CURRENT")).trim();
    assertEquals(10, Files.readAllLines(store.resolve("nightly").resolve(version).resolve("metrics.jsonl")).size());

    Cli again = Cli.run(job(data, store).toArray(new String[0]));
    assertTrue(again.out.contains("run 2026-11-27 already finished"), again.out);

    Path reference = dir.resolve("reference");
    assertEquals(0, Cli.run(job(data, reference).toArray(new String[0])).status);
    String referenceVersion = Files.readString(reference.resolve("nightly/CURRENT")).trim();
    float[] a = ModelReader.read(store.resolve("nightly").resolve(version).toString(), new Configuration(), "m").weights();
    float[] b = ModelReader.read(reference.resolve("nightly").resolve(referenceVersion).toString(), new Configuration(), "m")
        .weights();
    double max = FloatArrays.maxAbsDifference(a, b);
    assertTrue(max <= 1e-5, "max weight difference " + max);
  }
}
