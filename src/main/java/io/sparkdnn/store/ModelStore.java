package io.sparkdnn.store;

import io.sparkdnn.files.Causes;
import io.sparkdnn.files.ExclusiveFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
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
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned models of one name on any Hadoop filesystem:
 *
 * <pre>
 *   STORE/NAME/v000001-20261127T101500Z/   a model directory (never overwritten)
 *   STORE/NAME/CURRENT                      the production version (replaced atomically)
 *   STORE/NAME/history.jsonl                every pointer change: time, action, from, to, reason
 *   STORE/NAME/LOCK                         the run or command that holds the name (created exclusively)
 *   STORE/NAME/LOCK.takeover-HASH           a claim on a dead attempt's LOCK while it is being taken over
 *   STORE/NAME/runs/RUN-ID/                 a run's version id, checkpoints and outcome
 * </pre>
 *
 * Every file lands via a temporary name and an atomic rename, so a scheduler never reads half of
 * one. Version ids sort in creation order: a sequence number, then the UTC time.
 *
 * <p><b>The lock.</b> Whoever creates {@code LOCK} holds the name; everything that changes the
 * store's state — a training run, {@code promote}, {@code rollback}, {@code prune} — holds it, so
 * the pointer, the history and the set of versions change under one owner at a time. The
 * mechanism is one operation, "create this file only if it does not exist, atomically", taken
 * from the filesystem that can do it ({@link ExclusiveFiles}):
 *
 * <ul>
 *   <li>local files: {@code open(O_CREAT|O_EXCL)} through java.nio ({@code CREATE_NEW}). Hadoop's
 *       {@code RawLocalFileSystem.create(path, overwrite=false)} is not atomic: it checks
 *       {@code exists()} and then opens the file with truncation, so two callers can both pass the
 *       check and both "create" the lock;
 *   <li>HDFS and other Hadoop filesystems: {@code FileSystem.create(path, overwrite=false)}. On
 *       HDFS the NameNode checks and creates the file under its namespace lock, so exactly one
 *       client succeeds and the others get {@code FileAlreadyExistsException}. (Object stores give
 *       the same only where their connector makes this create conditional.)
 * </ul>
 *
 * The lock's text names its owner (run id, host, pid, start) and carries a random token, so no
 * two locks ever have the same text: a release, a check that the lock is still ours, and a
 * takeover all compare the exact text.
 *
 * <p><b>Takeover.</b> A new attempt of the same run id may take the lock over when the attempt
 * that holds it is gone (same host, its process no longer alive). Two such retries can race, so
 * deleting the dead lock is guarded: a retry first creates {@code LOCK.takeover-HASH} exclusively
 * (HASH of the dead lock's text, by the same atomic create), then checks that {@code LOCK} still
 * has that text, and only then deletes it and creates its own. Only the claim's holder can
 * delete a lock with that text (its dead owner cannot release it, and the text never comes back
 * once gone), so the check cannot go stale between reading and deleting; a retry that loses the
 * claim is refused like any other run.
 */
public final class ModelStore {
  private static final Logger LOG = LoggerFactory.getLogger(ModelStore.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern VERSION = Pattern.compile("v(\\d{6})-\\d{8}T\\d{6}Z");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String LOCK = "LOCK";
  /** The weights file of a model directory (io.sparkdnn.model.ModelFormat.WEIGHTS; the store does not depend on the model package). */
  private static final String WEIGHTS = "weights.bin";
  private static final String TAKEOVER = "LOCK.takeover-";
  /** How often lock() retries when the lock changes under it (released, taken over) before giving up. */
  private static final int LOCK_ATTEMPTS = 5;
  static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final FileContext files;
  private final Path root;
  private final Path dir;
  private final String name;
  private final boolean local;

  /**
   * Opens (without creating anything) model {@code name} of the store at {@code store}.
   *
   * @throws IllegalArgumentException when the name has characters other than letters, digits, '.', '_', '-'
   * @throws UncheckedIOException when the store's filesystem cannot be reached
   */
  public ModelStore(String store, String name, Configuration conf) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("model name '" + name + "' (--name / store.name) may use letters, digits, "
          + "'.', '_' and '-' only");
    }
    try {
      Path root = new Path(store);
      this.fs = root.getFileSystem(conf);
      this.fs.setWriteChecksum(false);
      this.root = fs.makeQualified(root);
      this.dir = new Path(this.root, name);
      this.files = FileContext.getFileContext(dir.toUri(), conf);
      this.name = name;
      this.local = "file".equals(dir.toUri().getScheme());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the model store " + store + ": " + Causes.firstLine(e), e);
    }
  }

  public String name() {
    return name;
  }

  /** Where version {@code version}'s model directory is. */
  public String versionPath(String version) {
    return new Path(dir, version).toString();
  }

  /** Whether the store's directory exists (a mistyped --store names one that does not). */
  public boolean storeExists() {
    return isDirectory(root);
  }

  /**
   * Whether this model's directory exists. Only training creates it: the commands that read or
   * administer a model check this first, so a mistyped name is refused instead of reported as a
   * model without versions (and no directory is made for it).
   */
  public boolean modelExists() {
    return isDirectory(dir);
  }

  /**
   * The names of the models in this store, sorted: its directories that hold a model's files
   * (CURRENT, history.jsonl, LOCK, runs or a version), so that other directories are not offered
   * as models.
   */
  public List<String> models() {
    return subdirectories(root, NAME, this::holdsModelFiles, "the models in " + root);
  }

  /** A directory test that may ask the filesystem. */
  private interface DirectoryTest {
    boolean test(Path directory) throws IOException;
  }

  /**
   * The sorted names of {@code parent}'s subdirectories named as {@code names} matches and that
   * {@code test} accepts; none when {@code parent} does not exist.
   *
   * @param what what is listed, for the failure's message ("the versions of …")
   * @throws UncheckedIOException when the filesystem fails
   */
  private List<String> subdirectories(Path parent, Pattern names, DirectoryTest test, String what) {
    List<String> out = new ArrayList<>();
    try {
      if (fs.exists(parent)) {
        for (FileStatus s : fs.listStatus(parent)) {
          String n = s.getPath().getName();
          if (s.isDirectory() && names.matcher(n).matches() && test.test(s.getPath())) {
            out.add(n);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + what + ": " + Causes.firstLine(e), e);
    }
    Collections.sort(out);
    return out;
  }

  private boolean holdsModelFiles(Path model) throws IOException {
    for (FileStatus s : fs.listStatus(model)) {
      String n = s.getPath().getName();
      if (n.equals("CURRENT") || n.equals("history.jsonl") || n.equals(LOCK) || n.equals("runs")
          || s.isDirectory() && VERSION.matcher(n).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Refuses to administer a model that does not exist: {@link #lock} creates the model's
   * directory (a training run needs it), so without this check promote, rollback or prune under
   * a mistyped name would leave an empty model behind.
   *
   * @throws IllegalArgumentException when the model's directory does not exist
   */
  private void requireModel() {
    if (!modelExists()) {
      throw new IllegalArgumentException("there is no model " + name + " in the store at " + root
          + "; check --name and --store (`dnn list` names the models there)");
    }
  }

  public boolean hasVersion(String version) {
    return VERSION.matcher(version).matches() && exists(new Path(dir, version));
  }

  /**
   * A new, unused version id: the current time and the next sequence number after every version in
   * the store and every one a run has taken ({@code runs/ID/VERSION}, kept for that run's retry even
   * when its first attempt failed): a number is never given twice.
   */
  public String newVersion() {
    int next = versions().stream().mapToInt(ModelStore::sequence).max().orElse(0);
    Path runs = new Path(dir, "runs");
    for (String run : subdirectories(runs, NAME, d -> true, "the runs of " + dir)) {
      String taken = readText(new Path(new Path(runs, run), "VERSION"));
      if (taken != null) {
        next = Math.max(next, sequence(taken.trim()));
      }
    }
    return String.format("v%06d-%s", next + 1, STAMP.format(Instant.now()));
  }

  /** Version ids, oldest first: every directory named like a version, readable or not. */
  public List<String> versions() {
    return subdirectories(dir, VERSION, d -> true, "the versions of " + dir);
  }

  private static int sequence(String version) {
    Matcher m = VERSION.matcher(version);
    return m.matches() ? Integer.parseInt(m.group(1)) : 0;
  }

  // --- reading versions: what is readable, and what is wrong with what is not

  /**
   * A version as {@code dnn list} shows it: its metadata.json, or why it cannot be read.
   *
   * @param metadata the parsed metadata.json; null when the version is broken
   * @param problem what is wrong (one line, no path prefix); null when the version is readable
   */
  public record VersionInfo(String version, JsonNode metadata, String problem) {
    public boolean broken() {
      return problem != null;
    }
  }

  /** Every version, oldest first, each readable or marked broken; never fails because one is broken. */
  public List<VersionInfo> survey() {
    List<VersionInfo> out = new ArrayList<>();
    for (String v : versions()) {
      try {
        out.add(new VersionInfo(v, usableMetadata(v), null));
      } catch (BrokenVersionException e) {
        out.add(new VersionInfo(v, null, e.problem));
      }
    }
    return out;
  }

  /**
   * The metadata.json of {@code version}.
   *
   * @throws IllegalArgumentException when there is no such version
   * @throws BrokenVersionException when its directory has no readable, valid metadata.json
   */
  public JsonNode metadata(String version) {
    if (!hasVersion(version)) {
      throw new IllegalArgumentException("no version " + version + " of model " + name + "; `dnn list` shows them");
    }
    return readMetadata(version);
  }

  /**
   * The metadata.json of a version that can be production: also checks that its weights file is
   * there, the one other file a model needs (reading it whole would cost as much as loading the
   * model, so its checksum is left to the reader).
   *
   * @throws BrokenVersionException when the metadata cannot be read or weights.bin is missing
   */
  private JsonNode usableMetadata(String version) {
    JsonNode metadata = readMetadata(version);
    if (!exists(new Path(new Path(dir, version), WEIGHTS))) {
      throw new BrokenVersionException(name, version, "it has no " + WEIGHTS + " (an interrupted copy or a deleted "
          + "file?)");
    }
    return metadata;
  }

  private JsonNode readMetadata(String version) {
    Path file = new Path(new Path(dir, version), "metadata.json");
    String text;
    try {
      text = readText(file);
    } catch (UncheckedIOException e) {
      throw new BrokenVersionException(name, version, "metadata.json cannot be read (" + Causes.firstLine(e.getCause())
          + ")");
    }
    if (text == null) {
      throw new BrokenVersionException(name, version, "it has no metadata.json (an interrupted copy or a deleted file?)");
    }
    try {
      JsonNode m = JSON.readTree(text);
      if (m == null || !m.isObject()) {
        throw new BrokenVersionException(name, version, "its metadata.json is not a JSON object");
      }
      return m;
    } catch (IOException e) {
      throw new BrokenVersionException(name, version, "its metadata.json is not valid JSON "
          + io.sparkdnn.results.Json.problem(e));
    }
  }

  /** A version directory without a readable metadata.json. */
  public static final class BrokenVersionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final String problem;

    BrokenVersionException(String model, String version, String problem) {
      this("version " + version + " of model " + model + " is broken: " + problem + "; restore the version's "
          + "directory from a copy, or, if it is production, return production to the version before with dnn "
          + "rollback", problem);
    }

    private BrokenVersionException(String message, String problem) {
      super(message);
      this.problem = problem;
    }

    /** What is wrong with the version, without the version's name or a remedy. */
    public String problem() {
      return problem;
    }
  }

  // --- the production pointer

  /** What CURRENT says, as written: null when none has been promoted (the version may be missing). */
  public String current() {
    String text = readText(new Path(dir, "CURRENT"));
    return text == null ? null : text.trim();
  }

  /**
   * The production version, checked: null when none has been promoted.
   *
   * @throws IllegalStateException when CURRENT names a version that is not in the store
   */
  public String production() {
    String current = current();
    if (current != null && !hasVersion(current)) {
      throw new IllegalStateException(danglingCurrent(current));
    }
    return current;
  }

  /**
   * The production version as a run needs it (to compare against, to start from): checked as
   * {@link #production()}, and readable. Null when none has been promoted.
   *
   * @throws IllegalStateException when CURRENT names a version that is not in the store
   * @throws BrokenVersionException when production is broken: the message says what to promote
   */
  public String usableProduction() {
    String current = production();
    if (current != null) {
      try {
        usableMetadata(current);
      } catch (BrokenVersionException e) {
        throw new BrokenVersionException("production version " + current + " of model " + name + " is broken: "
            + e.problem() + "; a run needs production to compare against (and to start from): make a version that "
            + "is not broken production with `dnn promote --store … --name " + name + " VERSION` (`dnn list` marks "
            + "the broken ones BROKEN), or restore " + current + "'s directory from a copy", e.problem());
      }
    }
    return current;
  }

  /** The line that says CURRENT points at nothing, and what to do. */
  public String danglingCurrent(String current) {
    return "CURRENT of model " + name + " points at " + (current.isEmpty() ? "nothing (it is empty)" : current
        + ", which is not a version of it (deleted?)") + "; make a version production with "
        + "`dnn promote --store … --name " + name + " VERSION` (`dnn list` shows them)";
  }

  /**
   * Pointer changes, oldest first.
   *
   * @throws IllegalStateException when a line of history.jsonl is not a pointer change (names the
   *     line and what to do: rollback and prune need the history, promote does not)
   */
  public List<PointerChange> history() {
    Path file = new Path(dir, "history.jsonl");
    String text = readText(file);
    List<PointerChange> out = new ArrayList<>();
    if (text != null) {
      String[] lines = text.split("\n");
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (IOException e) {
          node = null;
        }
        if (node == null || !node.isObject() || node.path("to").asText("").isEmpty()) {
          throw new IllegalStateException("line " + (i + 1) + " of " + file + " is not a pointer change (" + quote(line)
              + "), so the production history of model " + name + " cannot be read; delete or repair that line "
              + "(each line is one JSON object with time, action, from, to, reason) or restore the file from a "
              + "copy; `dnn promote --store … --name " + name + " VERSION` sets production without reading it");
        }
        out.add(PointerChange.fromJson(node));
      }
    }
    return out;
  }

  /** A line from a file, for a message: at most 60 characters, control characters escaped, in single quotes. */
  private static String quote(String line) {
    return "'" + Causes.escaped(line.length() > 60 ? line.substring(0, 60) + "…" : line) + "'";
  }

  /**
   * Makes {@code version} production by hand, under the lock; returns the version it replaced.
   *
   * @throws LockedException while a run or another command holds the model
   * @throws IllegalArgumentException when there is no such model or version
   * @throws BrokenVersionException when the version cannot be production (see {@link Lock#setCurrent})
   */
  public String promote(String version, String reason) {
    requireModel();
    try (Lock lock = lock("dnn promote")) {
      return lock.setCurrent(version, "manual-promote", reason);
    }
  }

  /**
   * Moves production back to the version it was before the current one, under the lock; returns
   * that version. See {@link Lock#rollback}.
   *
   * @throws LockedException while a run or another command holds the model
   * @throws IllegalArgumentException when there is no such model
   * @throws IllegalStateException when there is no earlier production version, it was deleted or it is broken
   */
  public String rollback(String reason) {
    requireModel();
    try (Lock lock = lock("dnn rollback")) {
      return lock.rollback(reason);
    }
  }

  /**
   * Deletes the oldest versions beyond the newest {@code keep}, under the lock, never the
   * production version nor the one a rollback would return to. Returns the deleted ids.
   *
   * @throws LockedException while a run or another command holds the model
   * @throws IllegalArgumentException when keep &lt; 1, or there is no such model
   */
  public List<String> prune(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("--keep must be at least 1, found " + keep);
    }
    requireModel();
    try (Lock lock = lock("dnn prune")) {
      return lock.prune(keep);
    }
  }

  // --- the lock

  /**
   * Takes the name for one run (or a command such as "dnn promote"); refused while anyone else
   * holds it. A new attempt of the same run id takes over the lock when the attempt that holds it
   * is gone (same host, its process no longer alive), so that a scheduler's retry after a crash
   * needs no manual unlock; of several such retries racing, one wins.
   *
   * @throws LockedException when another run, command or live attempt holds the name
   * @throws UncheckedIOException when the lock cannot be written
   */
  public Lock lock(String runId) {
    Path lock = new Path(dir, LOCK);
    String mine = ownerText(runId);
    mkdirs(dir);
    String held = null;
    for (int attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      if (createExclusively(lock, mine)) {
        return new Lock(lock, mine);
      }
      held = readText(lock);
      if (held == null) {
        continue; // released between our create and our read
      }
      if (!isDeadAttemptOf(held, runId)) {
        break;
      }
      if (takeOver(lock, held, mine, runId)) {
        return new Lock(lock, mine);
      }
    }
    throw new LockedException(lockMessage(held == null ? readText(lock) : held));
  }

  /**
   * Replaces the lock of a dead attempt, {@code dead}, by {@code mine}; false when the lock
   * changed meanwhile (the caller looks again).
   *
   * @throws LockedException when another attempt is taking the same dead lock over
   */
  private boolean takeOver(Path lock, String dead, String mine, String runId) {
    Path claim = new Path(dir, TAKEOVER + ExclusiveFiles.shortHash(dead));
    if (!createExclusively(claim, mine)) {
      throw new LockedException(lockMessage(dead) + "; that attempt is dead, and another attempt of run " + runId
          + " is taking its lock over (" + claim.getName() + ")");
    }
    try {
      if (!dead.equals(readText(lock))) {
        return false;
      }
      LOG.warn("taking over the lock of an earlier attempt of run {} that is no longer alive: {}", runId, dead.trim());
      delete(lock);
      return createExclusively(lock, mine);
    } finally {
      delete(claim);
    }
  }

  private String ownerText(String runId) {
    ObjectNode owner = JSON.createObjectNode();
    owner.put("run_id", runId);
    owner.put("host", host());
    owner.put("pid", ProcessHandle.current().pid());
    owner.put("since", Instant.now().toString());
    owner.put("token", UUID.randomUUID().toString());
    return owner.toString() + "\n";
  }

  /** Who holds the lock, whether that process is known to be gone, and the command that breaks it, ready to paste. */
  private String lockMessage(String owner) {
    String unlock = "`dnn unlock --store " + (local ? root.toUri().getPath() : root.toString()) + " --name " + name + "`";
    return "model " + name + " is locked by " + describe(owner) + (isDead(owner)
        ? ", a process no longer running on this host; if no other attempt of that run is going, break the lock with "
        : "; if that run is no longer alive, break the lock with ") + unlock;
  }

  private static boolean isDeadAttemptOf(String owner, String runId) {
    JsonNode o = ownerJson(owner);
    return o != null && runId.equals(o.path("run_id").asText()) && isDead(o);
  }

  private static boolean isDead(String owner) {
    JsonNode o = ownerJson(owner);
    return o != null && isDead(o);
  }

  /** True when the lock's {@code owner} names a process on this host that is not running. */
  private static boolean isDead(JsonNode owner) {
    return host().equals(owner.path("host").asText()) && owner.path("pid").canConvertToLong()
        && ProcessHandle.of(owner.path("pid").asLong()).map(h -> !h.isAlive()).orElse(true);
  }

  /** The lock's text as JSON, or null when it is missing or not JSON. */
  private static JsonNode ownerJson(String owner) {
    try {
      return owner == null ? null : JSON.readTree(owner);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Removes the lock whoever holds it, and any takeover claims; returns what the lock said, or
   * null if there was none. For a lock whose run died where it cannot be told dead (another
   * host); the caller vouches that no run is alive.
   */
  public String breakLock() {
    Path lock = new Path(dir, LOCK);
    String owner = readText(lock);
    delete(lock);
    try {
      if (fs.exists(dir)) {
        for (FileStatus s : fs.listStatus(dir)) {
          if (s.getPath().getName().startsWith(TAKEOVER)) {
            delete(s.getPath());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + Causes.firstLine(e), e);
    }
    return owner;
  }

  /**
   * The name held for one run or command. Every change of the pointer and every deletion of
   * versions goes through a lock, and each checks first that the lock is still this one (not
   * broken with {@code dnn unlock} and taken by another run meanwhile). Released on close if it
   * is still ours.
   */
  public final class Lock implements AutoCloseable {
    private final Path path;
    private final String owner;

    private Lock(Path path, String owner) {
      this.path = path;
      this.owner = owner;
    }

    /**
     * Points production at {@code version} and records why in history.jsonl; returns the version
     * it replaced (null when there was none).
     *
     * @throws IllegalArgumentException when there is no such version
     * @throws BrokenVersionException when the version's metadata.json cannot be read or its
     *     weights.bin is missing: production must stay loadable, so nothing is changed
     * @throws IllegalStateException when this lock was broken meanwhile
     */
    public String setCurrent(String version, String action, String reason) {
      checkHeld();
      if (!hasVersion(version)) {
        throw new IllegalArgumentException("no version " + version + " of model " + name + "; `dnn list` shows them");
      }
      String previous = current();
      try {
        usableMetadata(version);
      } catch (BrokenVersionException e) {
        throw new BrokenVersionException("version " + version + " of model " + name + " is broken: " + e.problem()
            + ", so it cannot be production (production is still " + (previous == null ? "none" : previous)
            + "); restore the version's directory from a copy, or promote another version (`dnn list` shows them)",
            e.problem());
      }
      writeAtomically(new Path(dir, "CURRENT"), version + "\n");
      appendHistory(new PointerChange(Instant.now().toString(), action, previous, version, reason).toJson().toString());
      return previous;
    }

    /**
     * Moves production back to the version it was before the current one; returns that version.
     * Repeated, it steps further back: a version rolled back from is not returned to (see
     * {@link ModelStore#productionStack}).
     *
     * @throws IllegalStateException when there is no production version, no earlier one, or it
     *     was deleted or is broken (then nothing is changed)
     */
    public String rollback(String reason) {
      checkHeld();
      String current = current();
      if (current == null) {
        throw new IllegalStateException("model " + name + " has no production version to roll back from");
      }
      String target = rollbackTarget(current);
      if (target == null) {
        throw new IllegalStateException("no earlier production version of model " + name + " to roll back to: "
            + current + " is the first in its history.jsonl that was not rolled back from; make another version "
            + "production with `dnn promote` (`dnn list` shows them)");
      }
      if (!hasVersion(target)) {
        throw new IllegalStateException("the version before " + current + " was " + target
            + ", which no longer exists (pruned?); promote another with `dnn promote`");
      }
      try {
        usableMetadata(target);
      } catch (BrokenVersionException e) {
        throw new BrokenVersionException("cannot roll model " + name + " back to " + target + ", production before "
            + current + ": " + target + " is broken: " + e.problem() + " (production is still " + current
            + "); restore the version's directory from a copy, or make another version production with "
            + "`dnn promote` (`dnn list` shows them)", e.problem());
      }
      setCurrent(target, "rollback", reason);
      return target;
    }

    /** See {@link ModelStore#prune(int)}. */
    public List<String> prune(int keep) {
      checkHeld();
      List<String> versions = versions();
      String current = current();
      String keepForRollback = current == null ? null : rollbackTarget(current);
      List<String> deleted = new ArrayList<>();
      for (int i = 0; i < versions.size() - keep; i++) {
        String v = versions.get(i);
        if (v.equals(current) || v.equals(keepForRollback)) {
          continue;
        }
        try {
          fs.delete(new Path(dir, v), true);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot delete " + v + ": " + Causes.firstLine(e), e);
        }
        deleted.add(v);
      }
      return deleted;
    }

    /** @throws IllegalStateException when LOCK no longer holds this lock's text */
    public void checkHeld() {
      String now = readText(path);
      if (!owner.equals(now)) {
        throw new IllegalStateException("the lock of model " + name + " was broken while " + describe(owner)
            + " held it" + (now == null ? "" : ", and " + describe(now) + " holds it now")
            + "; nothing was changed");
      }
    }

    @Override
    public void close() {
      if (owner.equals(readText(path))) {
        try {
          fs.delete(path, false);
        } catch (IOException e) {
          // a stale lock is reported clearly to the next run
        }
      }
    }
  }

  /** Who a lock's text names: "run ID (pid P on HOST, since T)", "`dnn prune` (…)", or the raw text. */
  private static String describe(String owner) {
    if (owner == null || owner.isBlank()) {
      return "another run (its LOCK is empty: being written, or its writer died)";
    }
    try {
      JsonNode o = JSON.readTree(owner);
      if (o != null && o.hasNonNull("run_id")) {
        String runId = o.path("run_id").asText();
        return (runId.startsWith("dnn ") ? "`" + runId + "`" : "run " + runId) + " (pid " + o.path("pid").asText()
            + " on " + o.path("host").asText() + ", since " + o.path("since").asText() + ")";
      }
    } catch (IOException e) {
      // not JSON: show the raw text
    }
    return "\"" + owner.trim() + "\"";
  }

  /**
   * The version a rollback from {@code current} returns to: the production before it on the
   * {@linkplain #productionStack stack}; null when there is none. When CURRENT was changed
   * outside history.jsonl, current is not on top, and the last recorded production is the one before it.
   */
  private String rollbackTarget(String current) {
    List<String> stack = productionStack();
    if (!stack.isEmpty() && stack.get(stack.size() - 1).equals(current)) {
      stack.remove(stack.size() - 1);
    }
    return stack.isEmpty() ? null : stack.get(stack.size() - 1);
  }

  /**
   * Production's history as a stack, oldest first, replayed from history.jsonl: a promotion pushes
   * its version, a rollback pops the version it rolled back from. The top is production; below
   * it, the versions successive rollbacks return to. Taking a rollback's "from" as the previous
   * production instead (the last change's from) would make a second rollback undo the first.
   * A change to the version already on top (a promote of production) pushes nothing, so that a
   * rollback never "returns" to the version it leaves.
   */
  private List<String> productionStack() {
    List<String> stack = new ArrayList<>();
    for (PointerChange change : history()) {
      boolean rollback = "rollback".equals(change.action());
      if (rollback && !stack.isEmpty() && stack.get(stack.size() - 1).equals(change.from())) {
        stack.remove(stack.size() - 1);
      }
      if (stack.isEmpty() || !stack.get(stack.size() - 1).equals(change.to())) {
        stack.add(change.to());
      }
    }
    return stack;
  }

  private void appendHistory(String line) {
    String existing = readText(new Path(dir, "history.jsonl"));
    writeAtomically(new Path(dir, "history.jsonl"), (existing == null ? "" : existing) + line + "\n");
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

  private boolean isDirectory(Path p) {
    try {
      return fs.getFileStatus(p).isDirectory();
    } catch (FileNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + Causes.firstLine(e), e);
    }
  }

  private boolean exists(Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void mkdirs(Path p) {
    try {
      io.sparkdnn.files.Directories.create(fs, p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + p + ": " + Causes.firstLine(e), e);
    }
  }

  private void delete(Path p) {
    try {
      fs.delete(p, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + p + ": " + Causes.firstLine(e), e);
    }
  }

  /** The file's text, or null when it does not exist (also when it is deleted while we look). */
  private String readText(Path p) {
    try {
      if (!fs.exists(p)) {
        return null;
      }
      try (InputStream in = fs.open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + Causes.firstLine(e), e);
    }
  }

  /**
   * Creates {@code target} with {@code text} if, and only if, it does not exist, in one atomic
   * step of the filesystem (see the class comment); false when it exists. A file we created but
   * could not finish writing is removed again.
   */
  private boolean createExclusively(Path target, String text) {
    try {
      return ExclusiveFiles.create(fs, target, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + target + ": " + Causes.firstLine(e), e);
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
      throw new UncheckedIOException("cannot write " + target + ": " + Causes.firstLine(e), e);
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
