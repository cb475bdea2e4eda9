package io.sparkdnn.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@value #FILE}: which process wrote a directory, and what kind of directory it is. Written into
 * every staging directory when it is created (it moves with it into place), so that a later run
 * can tell a staging directory whose writer is gone from one still being written, and a directory
 * spark-dnn wrote from one it did not.
 *
 * <pre>
 *   {"writer": "spark-dnn", "kind": "predictions", "host": "node-3", "boot_id": "…",
 *    "pid": 4711, "process_started": "2026-12-01T10:00:00.120Z", "written": "2026-12-01T10:03:07Z"}
 * </pre>
 *
 * <p>The name starts with an underscore, so Spark, Hive and Hadoop input formats skip it when
 * they read the directory as data.
 */
final class WriterMarker {
  static final String FILE = "_spark-dnn.json";
  private static final String WRITER = "spark-dnn";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Process start times are read from /proc in jiffies: two readings agree to well within this. */
  private static final long START_TOLERANCE_MILLIS = 1000;
  private static final String THIS_HOST = hostName();
  private static final String THIS_BOOT = bootId();

  /** Whether the process that wrote a marker is still running. */
  enum Liveness {
    /** On this host, with the same process id and start time. */
    ALIVE,
    /** On this host (or this host before a reboot), and no longer running. */
    DEAD,
    /** Written on another host: nothing here can tell. */
    UNKNOWN
  }

  final String kind;
  final String host;
  final String bootId;
  final long pid;
  /** The writing process's start, epoch milliseconds, or -1 when the JVM could not tell. */
  final long processStarted;

  WriterMarker(String kind, String host, String bootId, long pid, long processStarted) {
    this.kind = kind;
    this.host = host;
    this.bootId = bootId;
    this.pid = pid;
    this.processStarted = processStarted;
  }

  /** The marker of this JVM. */
  static WriterMarker ofThisProcess(String kind) {
    ProcessHandle self = ProcessHandle.current();
    long started = self.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    return new WriterMarker(kind, THIS_HOST, THIS_BOOT, self.pid(), started);
  }

  /** Writes (or rewrites) the marker into {@code dir}. */
  void write(FileSystem fs, Path dir) throws IOException {
    try (OutputStream out = fs.create(new Path(dir, FILE), true)) {
      out.write(text().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The marker as its file holds it: pretty-printed JSON and a newline, with the time it is written. */
  String text() {
    ObjectNode root = JSON.createObjectNode();
    root.put("writer", WRITER);
    root.put("kind", kind);
    root.put("host", host);
    root.put("boot_id", bootId);
    root.put("pid", pid);
    root.put("process_started", processStarted < 0 ? "" : Instant.ofEpochMilli(processStarted).toString());
    root.put("written", Instant.now().toString());
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // (a tree of strings and numbers always serialises)
    }
  }

  /** The marker in {@code dir}, or null when there is none or it is not one of ours. */
  static WriterMarker read(FileSystem fs, Path dir) {
    try (InputStream in = fs.open(new Path(dir, FILE))) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return null; // missing or unreadable: the caller falls back on ages
    }
  }

  /** The marker {@code text} holds, or null when it is not one of ours (cut off mid-write, not JSON). */
  static WriterMarker parse(String text) {
    try {
      JsonNode root = JSON.readTree(text);
      if (root == null || !WRITER.equals(root.path("writer").asText())) {
        return null;
      }
      String started = root.path("process_started").asText("");
      return new WriterMarker(root.path("kind").asText(""), root.path("host").asText(""),
          root.path("boot_id").asText(""), root.path("pid").asLong(-1),
          started.isEmpty() ? -1 : Instant.parse(started).toEpochMilli());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * ALIVE when this host runs a process with the recorded id that started when recorded (so a
   * reused process id is not mistaken for the writer); DEAD when it does not, or when the host has
   * rebooted since (another boot id); UNKNOWN when the marker names another host.
   */
  Liveness liveness() {
    if (!host.equals(THIS_HOST)) {
      return Liveness.UNKNOWN;
    }
    if (!bootId.isEmpty() && !THIS_BOOT.isEmpty() && !bootId.equals(THIS_BOOT)) {
      return Liveness.DEAD;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return Liveness.DEAD;
    }
    Optional<Instant> started = process.get().info().startInstant();
    if (processStarted >= 0 && started.isPresent()
        && Math.abs(started.get().toEpochMilli() - processStarted) > START_TOLERANCE_MILLIS) {
      return Liveness.DEAD; // the id now belongs to another process
    }
    return Liveness.ALIVE;
  }

  /** How messages name the writer: {@code pid 4711 on node-3}. */
  String describe() {
    return "pid " + pid + " on " + host;
  }

  static String thisHost() {
    return THIS_HOST;
  }

  static String thisBoot() {
    return THIS_BOOT;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env != null ? env : "unknown-host";
    }
  }

  /** Linux's id of this boot, which changes when the machine restarts; empty elsewhere. */
  private static String bootId() {
    try {
      return Files.readString(java.nio.file.Path.of("/proc/sys/kernel/random/boot_id")).trim();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
