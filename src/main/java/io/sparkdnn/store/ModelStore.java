package io.sparkdnn.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Versioned models of one name on any Hadoop filesystem:
 *
 * <pre>
 *   STORE/NAME/v000001-20261127T101500Z/   a model directory (never overwritten)
 *   STORE/NAME/CURRENT                      the production version (replaced atomically)
 *   STORE/NAME/history.jsonl                every pointer change: time, action, from, to, reason
 *   STORE/NAME/LOCK                         the run that holds the name (created exclusively)
 *   STORE/NAME/runs/RUN-ID/                 a run's version id, checkpoints and outcome
 * </pre>
 *
 * Every file lands via a temporary name and an atomic rename, so a scheduler never reads half of
 * one. Version ids sort in creation order: a sequence number, then the UTC time.
 */
public final class ModelStore {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern VERSION = Pattern.compile("v(\\d{6})-\\d{8}T\\d{6}Z");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final FileContext files;
  private final Path dir;
  private final String name;

  public ModelStore(String store, String name, Configuration conf) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("model name '" + name + "' (--name / store.name) may use letters, digits, "
          + "'.', '_' and '-' only");
    }
    try {
      Path root = new Path(store);
      this.fs = root.getFileSystem(conf);
      this.fs.setWriteChecksum(false);
      this.dir = fs.makeQualified(new Path(root, name));
      this.files = FileContext.getFileContext(dir.toUri(), conf);
      this.name = name;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the model store " + store + ": " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  /** Where version {@code version}'s model directory is. */
  public String versionPath(String version) {
    return new Path(dir, version).toString();
  }

  public boolean hasVersion(String version) {
    return VERSION.matcher(version).matches() && exists(new Path(dir, version));
  }

  /** A new, unused version id: the next sequence number and the current time. */
  public String newVersion() {
    int next = versions().stream().mapToInt(ModelStore::sequence).max().orElse(0) + 1;
    return String.format("v%06d-%s", next, STAMP.format(Instant.now()));
  }

  /** Version ids, oldest first. */
  public List<String> versions() {
    List<String> out = new ArrayList<>();
    try {
      if (fs.exists(dir)) {
        for (FileStatus s : fs.listStatus(dir)) {
          String n = s.getPath().getName();
          if (s.isDirectory() && VERSION.matcher(n).matches()) {
            out.add(n);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the versions of " + dir + ": " + e.getMessage(), e);
    }
    Collections.sort(out);
    return out;
  }

  private static int sequence(String version) {
    Matcher m = VERSION.matcher(version);
    return m.matches() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** The production version, or null when none has been promoted. */
  public String current() {
    String text = readText(new Path(dir, "CURRENT"));
    return text == null ? null : text.trim();
  }

  /** Points production at {@code version} and records why; returns the version it replaced. */
  public String setCurrent(String version, String action, String reason) {
    if (!hasVersion(version)) {
      throw new IllegalArgumentException("no version " + version + " of model " + name + "; `dnn list` shows them");
    }
    String previous = current();
    writeAtomically(new Path(dir, "CURRENT"), version + "\n");
    appendHistory(new PointerChange(Instant.now().toString(), action, previous, version, reason).toJson().toString());
    return previous;
  }

  /** Moves production back to the version it was before the current one; returns that version. */
  public String rollback(String reason) {
    String current = current();
    if (current == null) {
      throw new IllegalStateException("model " + name + " has no production version to roll back from");
    }
    List<PointerChange> history = history();
    for (int i = history.size() - 1; i >= 0; i--) {
      PointerChange e = history.get(i);
      if (current.equals(e.to()) && e.from() != null && !e.from().isEmpty()) {
        String target = e.from();
        if (!hasVersion(target)) {
          throw new IllegalStateException("the version before " + current + " was " + target
              + ", which no longer exists (pruned?); promote another with `dnn promote`");
        }
        setCurrent(target, "rollback", reason);
        return target;
      }
    }
    throw new IllegalStateException("no earlier production version of " + name + " to roll back to");
  }

  /** Pointer changes, oldest first. */
  public List<PointerChange> history() {
    String text = readText(new Path(dir, "history.jsonl"));
    List<PointerChange> out = new ArrayList<>();
    if (text != null) {
      for (String line : text.split("\n")) {
        if (!line.isBlank()) {
          try {
            out.add(PointerChange.fromJson(JSON.readTree(line)));
          } catch (IOException e) {
            throw new UncheckedIOException("corrupt line in " + dir + "/history.jsonl: " + line, e);
          }
        }
      }
    }
    return out;
  }

  private void appendHistory(String line) {
    String existing = readText(new Path(dir, "history.jsonl"));
    writeAtomically(new Path(dir, "history.jsonl"), (existing == null ? "" : existing) + line + "\n");
  }

  /**
   * Deletes the oldest versions beyond the newest {@code keep}, never the production version nor
   * the one a rollback would return to. Returns the deleted ids.
   */
  public List<String> prune(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("--keep must be at least 1, found " + keep);
    }
    List<String> versions = versions();
    String current = current();
    String rollbackTarget = null;
    for (PointerChange e : history()) {
      if (current != null && current.equals(e.to()) && e.from() != null) {
        rollbackTarget = e.from();
      }
    }
    List<String> deleted = new ArrayList<>();
    for (int i = 0; i < versions.size() - keep; i++) {
      String v = versions.get(i);
      if (v.equals(current) || v.equals(rollbackTarget)) {
        continue;
      }
      try {
        fs.delete(new Path(dir, v), true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + v + ": " + e.getMessage(), e);
      }
      deleted.add(v);
    }
    return deleted;
  }

  /**
   * Takes the name for one run; another run is refused while the lock exists. A new attempt of
   * the same run id takes over the lock when the attempt that holds it is gone (same host, its
   * process no longer alive), so that a scheduler's retry after a crash needs no manual unlock.
   */
  public Lock lock(String runId) {
    Path lock = new Path(dir, "LOCK");
    String held = readText(lock);
    if (held != null && isDeadAttemptOf(held, runId)) {
      org.slf4j.LoggerFactory.getLogger(ModelStore.class).warn(
          "taking over the lock of an earlier attempt of run {} that is no longer alive", runId);
      breakLock();
    }
    ObjectNode owner = JSON.createObjectNode();
    owner.put("run_id", runId);
    owner.put("host", host());
    owner.put("pid", ProcessHandle.current().pid());
    owner.put("since", Instant.now().toString());
    try {
      fs.mkdirs(dir);
      try (OutputStream out = fs.create(lock, false)) {
        out.write(owner.toString().getBytes(StandardCharsets.UTF_8));
      }
    } catch (FileAlreadyExistsException e) {
      throw new LockedException(lockMessage(readText(lock)));
    } catch (IOException e) {
      if (exists(lock)) {
        throw new LockedException(lockMessage(readText(lock)));
      }
      throw new UncheckedIOException("cannot lock model " + name + ": " + e.getMessage(), e);
    }
    return new Lock(lock, runId);
  }

  private String lockMessage(String owner) {
    String who = owner == null ? "another run" : owner;
    try {
      JsonNode o = JSON.readTree(owner);
      who = "run " + o.path("run_id").asText() + " (pid " + o.path("pid").asText() + " on "
          + o.path("host").asText() + ", since " + o.path("since").asText() + ")";
    } catch (IOException | RuntimeException e) {
      // show the raw text
    }
    return "model " + name + " is locked by " + who + "; if that run is no longer alive, break the lock "
        + "with `dnn unlock --store … --name " + name + "`";
  }

  private static boolean isDeadAttemptOf(String owner, String runId) {
    try {
      JsonNode o = JSON.readTree(owner);
      return runId.equals(o.path("run_id").asText()) && host().equals(o.path("host").asText())
          && ProcessHandle.of(o.path("pid").asLong()).map(h -> !h.isAlive()).orElse(true);
    } catch (IOException e) {
      return false;
    }
  }

  /** Removes the lock whoever holds it; returns what it said, or null if there was none. */
  public String breakLock() {
    Path lock = new Path(dir, "LOCK");
    String owner = readText(lock);
    try {
      fs.delete(lock, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + lock + ": " + e.getMessage(), e);
    }
    return owner;
  }

  /** The name held for a run; released on close if it is still ours. */
  public final class Lock implements AutoCloseable {
    private final Path path;
    private final String runId;

    private Lock(Path path, String runId) {
      this.path = path;
      this.runId = runId;
    }

    @Override
    public void close() {
      String owner = readText(path);
      if (owner != null && owner.contains("\"run_id\":\"" + runId + "\"")) {
        try {
          fs.delete(path, false);
        } catch (IOException e) {
          // a stale lock is reported clearly to the next run
        }
      }
    }
  }

  /** Refused because another run holds the name. */
  public static final class LockedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    LockedException(String message) {
      super(message);
    }
  }

  // --- runs: a run id makes a scheduled run safe to repeat

  public String checkpointDir(String runId) {
    return new Path(runDir(runId), "checkpoints").toString();
  }

  /** The version id this run writes, fixed at its first attempt so that a resumed run keeps it. */
  public String runVersion(String runId) {
    Path file = new Path(runDir(runId), "VERSION");
    String version = readText(file);
    if (version != null) {
      return version.trim();
    }
    version = newVersion();
    writeAtomically(file, version + "\n");
    return version;
  }

  /** The outcome recorded when this run finished, or null if it has not. */
  public RunOutcome runOutcome(String runId) {
    String text = readText(new Path(runDir(runId), "DONE"));
    try {
      return text == null ? null : RunOutcome.fromJson(JSON.readTree(text));
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt " + runDir(runId) + "/DONE", e);
    }
  }

  /** Records how the run ended, so that a rerun of its id is a no-op; returns the record. */
  public RunOutcome finishRun(String runId, String version, String outcome, String reason, int exitCode) {
    RunOutcome done = new RunOutcome(version, outcome, reason, exitCode, Instant.now().toString());
    writeAtomically(new Path(runDir(runId), "DONE"), done.toJson().toString() + "\n");
    return done;
  }

  private Path runDir(String runId) {
    if (!NAME.matcher(runId).matches()) {
      throw new IllegalArgumentException("run id '" + runId + "' (--run-id) may use letters, digits, '.', '_' and '-' only");
    }
    return new Path(new Path(dir, "runs"), runId);
  }

  // --- files

  private boolean exists(Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readText(Path p) {
    try {
      if (!fs.exists(p)) {
        return null;
      }
      try (InputStream in = fs.open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  /** Writes a temporary file, then renames it over {@code target} in one step. */
  private void writeAtomically(Path target, String text) {
    Path temp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    try {
      fs.mkdirs(target.getParent());
      try (OutputStream out = fs.create(temp, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
      files.rename(temp, target, Options.Rename.OVERWRITE);
    } catch (IOException e) {
      try {
        fs.delete(temp, false);
      } catch (IOException ignored) {
        // best effort
      }
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown host";
    }
  }
}
