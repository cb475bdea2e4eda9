package io.sparkdnn.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The standalone cluster of scripts/cluster.sh, driven from tests: start, submit like a user
 * (SparkSubmit with the application jar), watch a driver's log, kill executors and drivers, stop.
 * Every process it starts is stopped again, also when a test fails.
 */
final class LocalCluster implements AutoCloseable {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path STATE = ROOT.resolve("target/cluster");
  private final List<Process> drivers = new ArrayList<>();

  static LocalCluster start() throws Exception {
    LocalCluster cluster = new LocalCluster();
    Process p = script("start").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      cluster.close();
      throw new IllegalStateException("cluster did not start:\n" + out);
    }
    return cluster;
  }

  private static ProcessBuilder script(String... args) {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("scripts/cluster.sh").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
    Map<String, String> env = pb.environment();
    env.put("DNN_SKIP_BUILD", "1");
    return pb;
  }

  /** A driver running {@code dnn ARGS} on the cluster, its output going to {@code log}. */
  Process submit(Path log, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("submit");
    command.addAll(List.of(args));
    ProcessBuilder pb = script(command.toArray(new String[0]))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    drivers.add(p);
    return p;
  }

  /** Runs {@code dnn ARGS} on the cluster to the end; returns the exit status. */
  int run(Path log, Map<String, String> env, String... args) throws Exception {
    Process p = submit(log, env, args);
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("driver did not finish in 300 s; log:\n" + Files.readString(log));
    }
    return p.exitValue();
  }

  /**
   * Waits until the product has written {@code file} (checkpoints land by an atomic rename, so once
   * it exists it is complete); {@code driver}'s log is shown if it never appears.
   */
  static void awaitFile(Path file, Path driverLog, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < end) {
      if (Files.exists(file)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(file + " was not written in " + seconds + " s; driver log:\n"
        + (Files.exists(driverLog) ? Files.readString(driverLog) : "(none)"));
  }

  /**
   * PIDs of the executor JVMs of this cluster: descendants of the workers it started (their PIDs
   * are in target/cluster), never another suite's executors on the same machine.
   */
  static List<Long> executors() throws Exception {
    List<Long> pids = new ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.list(STATE)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().matches("worker-\\d+\\.pid"))::iterator) {
        long worker = Long.parseLong(Files.readString(f).trim());
        ProcessHandle.of(worker).ifPresent(w -> w.descendants()
            .filter(d -> d.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
            .forEach(d -> pids.add(d.pid())));
      }
    }
    return pids;
  }

  static void kill9(long pid) throws Exception {
    new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
  }

  @Override
  public void close() throws Exception {
    for (Process p : drivers) {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    Process stop = script("stop").redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
    stop.waitFor(60, TimeUnit.SECONDS);
  }
}
