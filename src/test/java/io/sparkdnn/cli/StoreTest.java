package io.sparkdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdnn.SparkTestSession;
import io.sparkdnn.data.SyntheticData;
import io.sparkdnn.report.Chromium;
import io.sparkdnn.store.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduled retraining through the command line: versions, the gate, rollback, locks, reports, drift. */
class StoreTest {
  @TempDir static Path dir;
  static String data;
  static String shifted;
  static String test;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void data() {
    SparkSession spark = SparkTestSession.get();
    data = dir.resolve("species.parquet").toString();
    SyntheticData.multiclass(spark, 3000, 5).write().parquet(data);
    test = dir.resolve("species-test.parquet").toString();
    SyntheticData.multiclass(spark, 1000, 6).write().parquet(test);
    shifted = dir.resolve("shifted.parquet").toString();
    SyntheticData.multiclass(spark, 3000, 5)
        .selectExpr("id", "species", "transform(features, (x, i) -> IF(i < 3, x + 3.0, x)) AS features")
        .where("species <> 'alpha' OR id % 4 = 0")
        .write().parquet(shifted);
  }

  private static Cli train(Path store, String name, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--conf", "conf/multiclass.conf",
        "--store", store.toString(), "--name", name, "--set", "data.train.path=" + data,
        "--set", "training.early-stopping.patience=0", "--set", "training.epochs=3"));
    for (int i = 0; i < extra.length; i++) {
      args.add(extra[i]);
    }
    return Cli.run(args.toArray(new String[0]));
  }

  private static JsonNode metadata(Path store, String name, String version) throws IOException {
    return JSON.readTree(store.resolve(name).resolve(version).resolve("metadata.json").toFile());
  }

  private static String current(Path store, String name) throws IOException {
    return Files.readString(store.resolve(name).resolve("CURRENT")).trim();
  }

  private static List<String> versions(Path store, String name) throws IOException {
    try (Stream<Path> s = Files.list(store.resolve(name))) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("v")).sorted().toList();
    }
  }

  /** The command failed with exactly one line on stderr, {@code error: } + {@code message}, and no stack trace. */
  static void assertError(Cli cli, String message) {
    assertEquals(1, cli.status, cli.toString());
    assertEquals("error: " + message + System.lineSeparator(), cli.err, "exactly one error line, no stack trace");
    assertFalse(cli.err.contains("\tat "), cli.err);
  }

  @Test
  void promotionRefusalForceAndRollback() throws IOException {
    Path store = dir.resolve("gate");
    Cli first = train(store, "m");
    assertEquals(0, first.status, first.toString());
    assertTrue(first.out.contains("promoted v000001-"), first.out);
    String v1 = current(store, "m");

    Cli worse = train(store, "m", "--set", "training.epochs=1", "--set", "training.optimizer.learning-rate=0.00001");
    assertEquals(3, worse.status, "exit 3: kept the old version\n" + worse);
    assertEquals(v1, current(store, "m"), "production unchanged");
    String v2 = versions(store, "m").get(1);
    JsonNode decision = metadata(store, "m", v2).at("/store/promotion");
    assertFalse(decision.path("promoted").asBoolean());
    assertEquals("accuracy", decision.path("metric").asText());
    assertTrue(decision.path("production_value").asDouble() > decision.path("new_value").asDouble(), decision.toString());
    assertTrue(decision.path("reason").asText().contains("worse by more than the margin"));

    Cli forced = train(store, "m", "--set", "training.epochs=1", "--set", "training.optimizer.learning-rate=0.00001",
        "--force-promote");
    assertEquals(0, forced.status, forced.toString());
    String v3 = versions(store, "m").get(2);
    assertEquals(v3, current(store, "m"));

    Cli rollback = Cli.run("rollback", "--store", store.toString(), "--name", "m");
    assertEquals(0, rollback.status, rollback.toString());
    assertEquals(v1, current(store, "m"));
    assertTrue(rollback.out.contains("production: " + v1 + " (was " + v3 + ")"), rollback.out);

    Cli list = Cli.run("list", "--store", store.toString(), "--name", "m");
    assertTrue(list.out.contains("* " + v1), list.out);
    assertTrue(list.out.contains("kept old"), list.out);
    Cli show = Cli.run("show", "--store", store.toString(), "--name", "m");
    assertEquals(v1, JSON.readTree(show.out).path("version").asText());
    assertTrue(JSON.readTree(show.out).path("production").asBoolean());

    Cli prune = Cli.run("prune", "--store", store.toString(), "--name", "m", "--keep", "1");
    assertEquals(0, prune.status, prune.toString());
    assertEquals(List.of(v1, v3), versions(store, "m"), "production and the newest are kept");
  }

  /** Warm start from production starts near production's final loss; an incompatible one is refused. */
  @Test
  void warmStartFromProduction() throws IOException {
    Path store = dir.resolve("warm");
    assertEquals(0, train(store, "w").status);
    String v1 = current(store, "w");
    List<String> v1Epochs = Files.readAllLines(store.resolve("w").resolve(v1).resolve("metrics.jsonl"));
    double coldFirst = JSON.readTree(v1Epochs.get(0)).path("train_loss").asDouble();
    double v1Last = JSON.readTree(v1Epochs.get(v1Epochs.size() - 1)).path("train_loss").asDouble();

    Cli warm = train(store, "w", "--set", "model.warm-start=current", "--set", "training.epochs=1");
    assertTrue(warm.status == 0 || warm.status == 3, warm.toString());
    String v2 = versions(store, "w").get(1);
    double warmFirst = JSON.readTree(Files.readAllLines(store.resolve("w").resolve(v2).resolve("metrics.jsonl")).get(0))
        .path("train_loss").asDouble();
    assertTrue(warmFirst < coldFirst / 2, "warm start " + warmFirst + " vs cold start " + coldFirst);
    assertTrue(warmFirst < 2 * v1Last + 0.05, "warm start " + warmFirst + " near production's end " + v1Last);

    String production = current(store, "w");
    Cli incompatible = train(store, "w", "--set", "model.warm-start=current",
        "--set", "network.layers=20-8relu-5softmax");
    assertEquals(1, incompatible.status);
    assertTrue(incompatible.err.contains("cannot warm-start from the model"), incompatible.err);
    assertTrue(incompatible.err.contains("its network is 20-64relu-32relu-5softmax"), incompatible.err);
    assertEquals(2, versions(store, "w").size(), "no version written");
    assertEquals(production, current(store, "w"));
    assertFalse(Files.exists(store.resolve("w").resolve("LOCK")), "the lock is released after a failure");
  }

  @Test
  void aSecondRunIsRefusedWhileTheFirstHoldsTheLock() throws IOException {
    Path store = dir.resolve("lock");
    ModelStore.Lock held = new ModelStore(store.toString(), "l", new Configuration()).lock("nightly-1");
    Cli refused = train(store, "l");
    assertEquals(1, refused.status);
    assertTrue(refused.err.contains("model l is locked by run nightly-1 (pid"), refused.err);
    assertTrue(refused.err.contains("dnn unlock"), refused.err);
    assertTrue(versions(store, "l").isEmpty());
    Cli unlock = Cli.run("unlock", "--store", store.toString(), "--name", "l");
    assertTrue(unlock.out.contains("removed the lock of"), unlock.out);
    held.close();
    assertEquals(0, train(store, "l").status);
  }

  @Test
  void aFinishedRunIdIsANoOpThatSaysSo() throws IOException {
    Path store = dir.resolve("runs");
    Cli first = train(store, "r", "--run-id", "2026-11-27");
    assertEquals(0, first.status, first.toString());
    Cli again = train(store, "r", "--run-id", "2026-11-27");
    assertEquals(0, again.status, again.toString());
    assertTrue(again.out.contains("run 2026-11-27 already finished"), again.out);
    assertTrue(again.out.contains("nothing to do"), again.out);
    assertEquals(1, versions(store, "r").size());
    assertTrue(!again.out.contains("no longer in the store"), again.out);

    // Its version removed since (as dnn prune removes old ones): still done, and the line says the version is gone.
    String version = versions(store, "r").get(0);
    try (java.util.stream.Stream<Path> files = Files.walk(store.resolve("r").resolve(version))) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    Cli afterPrune = train(store, "r", "--run-id", "2026-11-27");
    assertEquals(0, afterPrune.status, afterPrune.toString());
    assertTrue(afterPrune.out.contains("version " + version + " (no longer in the store)"), afterPrune.out);
  }

  /**
   * An attempt that died after writing its version but before moving the pointer: the retry
   * applies the decision recorded in that version instead of training again.
   */
  @Test
  void aRetryAfterTheVersionWasWrittenAppliesItsRecordedDecision() throws IOException {
    Path store = dir.resolve("late-crash");
    assertEquals(0, train(store, "c", "--run-id", "first").status);
    String v1 = current(store, "c");
    assertEquals(0, train(store, "c", "--run-id", "second").status);
    String v2 = current(store, "c");
    Files.delete(store.resolve("c/runs/second/DONE"));
    new ModelStore(store.toString(), "c", new Configuration()).promote(v1, "as if the pointer never moved");
    Cli retry = train(store, "c", "--run-id", "second");
    assertEquals(0, retry.status, retry.toString());
    assertTrue(retry.out.contains("had written " + v2 + " before it stopped; promoted it"), retry.out);
    assertEquals(v2, current(store, "c"));
    assertEquals(2, versions(store, "c").size(), "nothing trained again");
  }

  /** Drift: features moved and a class thinned out since the production model's data. */
  @Test
  void driftIsReportedAgainstProductionsTrainingData() throws IOException {
    Path store = dir.resolve("drift");
    assertEquals(0, train(store, "d").status);
    Cli moved = train(store, "d", "--set", "data.train.path=" + shifted, "--set", "data.scaling=none");
    assertTrue(moved.status == 0 || moved.status == 3, moved.toString());
    JsonNode drift = metadata(store, "d", versions(store, "d").get(1)).path("drift");
    List<String> names = new ArrayList<>();
    drift.path("features").forEach(f -> names.add(f.path("name").asText()));
    assertEquals(3, drift.path("drifted_features").asInt(), drift.toString());
    assertTrue(names.containsAll(List.of("features[0]", "features[1]", "features[2]")), names.toString());
    assertTrue(drift.at("/label_distribution/drifted").asBoolean(), drift.toString());
  }

  /**
   * The README's nightly command, as a scheduler runs it every night: on night one there is no
   * production version to warm-start from, so it trains from scratch and says so; on night two
   * it starts from night one's version.
   */
  @Test
  void theNightlyCommandWorksOnTheFirstNight() throws IOException {
    Path store = dir.resolve("nightly");
    Cli first = train(store, "n", "--run-id", "2026-11-27", "--set", "model.warm-start=current");
    assertEquals(0, first.status, first.toString());
    String v1 = current(store, "n");
    assertTrue(first.out.contains("promoted " + v1 + " to production: no production version yet; trained from scratch "
        + "(model.warm-start = current, and model n had no production version to start from)"), first.out);
    assertTrue(metadata(store, "n", v1).path("warm_start").isMissingNode(), "no warm start recorded");
    assertTrue(Files.readString(store.resolve("n").resolve(v1).resolve("report.html")).contains("trained from scratch"));

    Cli second = train(store, "n", "--run-id", "2026-11-28", "--set", "model.warm-start=current");
    assertTrue(second.status == 0 || second.status == 3, second.toString());
    assertFalse(second.out.contains("trained from scratch"), second.out);
    String v2 = versions(store, "n").get(1);
    assertEquals(metadata(store, "n", v1).path("created").asText(), metadata(store, "n", v2).path("warm_start").asText(),
        "night two started from night one's version");
  }

  /** promote, rollback and prune take the model's lock: while a run holds it each is refused with one line. */
  @Test
  void storeCommandsAreRefusedWhileARunHoldsTheLock() throws IOException, InterruptedException {
    Path store = dir.resolve("busy");
    assertEquals(0, train(store, "b").status);
    String v1 = current(store, "b");
    try (ModelStore.Lock run = new ModelStore(store.toString(), "b", new Configuration()).lock("2026-11-27")) {
      run.checkHeld();
      JsonNode owner = JSON.readTree(store.resolve("b/LOCK").toFile());
      String locked = "model b is locked by run 2026-11-27 (pid " + owner.path("pid").asText() + " on "
          + owner.path("host").asText() + ", since " + owner.path("since").asText() + "); if that run is no longer "
          + "alive, break the lock with `dnn unlock --store " + store + " --name b`";
      String[] where = {"--store", store.toString(), "--name", "b"};
      assertError(Cli.run(concat(new String[] {"promote"}, where, new String[] {v1})), locked);
      assertError(Cli.run(concat(new String[] {"rollback"}, where)), locked);
      assertError(Cli.run(concat(new String[] {"prune", "--keep", "1"}, where)), locked);
      assertError(train(store, "b"), locked);
      Cli list = Cli.run(concat(new String[] {"list"}, where));
      assertEquals(0, list.status, "reading needs no lock: " + list);
    }
    assertEquals(0, Cli.run("promote", "--store", store.toString(), "--name", "b", v1).status);
    assertFalse(Files.exists(store.resolve("b/LOCK")), "the command released the lock");

    // a lock whose process has ended on this host (killed, say) is named as such
    Process ended = new ProcessBuilder("true").start();
    assertTrue(ended.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Files.writeString(store.resolve("b/LOCK"), "{\"run_id\":\"night1\",\"host\":\"" + host + "\",\"pid\":"
        + ended.pid() + ",\"since\":\"2026-11-27T01:00:00Z\",\"token\":\"t\"}\n");
    assertError(Cli.run("rollback", "--store", store.toString(), "--name", "b"), "model b is locked by run night1 (pid " + ended.pid()
        + " on " + host + ", since 2026-11-27T01:00:00Z), a process no longer running on this host; if no other "
        + "attempt of that run is going, break the lock with `dnn unlock --store " + store + " --name b`");
  }

  private static String[] concat(String[]... parts) {
    return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
  }

  /**
   * A version without metadata.json, one with a corrupt one, and CURRENT pointing at a version
   * that is gone: `list` shows what it can read and marks the rest; `show` and the nightly run
   * name the problem in one line; promoting a good version repairs production.
   */
  @Test
  void brokenVersionsAreListedAndMarked() throws IOException {
    Path store = dir.resolve("broken");
    assertEquals(0, train(store, "x", "--set", "data.test.path=" + test).status);
    String good = current(store, "x");
    Path model = store.resolve("x");
    String empty = "v000002-20261128T020000Z";
    String corrupt = "v000003-20261129T020000Z";
    String gone = "v000004-20261130T020000Z";
    Files.createDirectories(model.resolve(empty));
    Files.createDirectories(model.resolve(corrupt));
    Files.writeString(model.resolve(corrupt).resolve("metadata.json"), "{\"network\": ");
    Files.writeString(model.resolve("CURRENT"), gone + "\n");

    Cli list = Cli.run("list", "--store", store.toString(), "--name", "x");
    assertEquals(0, list.status, list.toString());
    List<String> lines = list.out.lines().toList();
    assertEquals(5, lines.size(), list.out);
    assertTrue(lines.get(1).matches("  " + good + " +\\S+ +accuracy +0\\.\\d{4} +0\\.\\d{4} +promoted: .*"),
        "the good version, with validation and test accuracy: " + lines.get(1));
    assertEquals("  " + empty + " BROKEN: it has no metadata.json (an interrupted copy or a deleted file?)",
        lines.get(2));
    assertTrue(lines.get(3).startsWith("  " + corrupt + " BROKEN: its metadata.json is not valid JSON at line 1, column "), lines.get(3));
    String dangling = "CURRENT of model x points at " + gone + ", which is not a version of it (deleted?); make a "
        + "version production with `dnn promote --store … --name x VERSION` (`dnn list` shows them)";
    assertEquals("! " + dangling, lines.get(4));

    assertError(Cli.run("show", "--store", store.toString(), "--name", "x"), dangling);
    assertError(Cli.run("show", "--store", store.toString(), "--name", "x", empty),
        "version " + empty + " of model x is broken: it has no metadata.json (an interrupted copy or a deleted file?); "
            + "restore the version's directory from a copy, or, if it is production, return production to the "
            + "version before with dnn rollback");
    Cli showCorrupt = Cli.run("show", "--store", store.toString(), "--name", "x", corrupt);
    assertEquals(1, showCorrupt.status, showCorrupt.toString());
    assertEquals(1, showCorrupt.err.lines().count(), "one error line: " + showCorrupt.err);
    assertTrue(showCorrupt.err.startsWith("error: version " + corrupt + " of model x is broken: its metadata.json "
        + "is not valid JSON at line 1, column ") && showCorrupt.err.strip().endsWith("); restore the version's directory from a copy, "
        + "or, if it is production, return production to the version before with dnn rollback"), showCorrupt.err);
    assertError(train(store, "x", "--run-id", "2026-12-01"), dangling);
    assertFalse(Files.exists(model.resolve("LOCK")), "the failed run released the lock");

    assertEquals(0, Cli.run("promote", "--store", store.toString(), "--name", "x", good).status);
    Cli repaired = Cli.run("list", "--store", store.toString(), "--name", "x");
    assertTrue(repaired.out.contains("* " + good), repaired.out);
    assertFalse(repaired.out.contains("! CURRENT"), repaired.out);
    Cli show = Cli.run("show", "--store", store.toString(), "--name", "x");
    assertTrue(JSON.readTree(show.out).at("/test_metrics/accuracy").isNumber(), "show has the test metrics: " + show.out);
  }

  /** A version made by hand (no training): a metadata.json that parses and a weights.bin, the files promote checks. */
  private static String handMadeVersion(Path store, String name, int n) throws IOException {
    String v = String.format("v%06d-20261127T0%d0000Z", n, n);
    Path version = Files.createDirectories(store.resolve(name).resolve(v));
    Files.writeString(version.resolve("metadata.json"), "{\"created\": \"2026-11-27T0" + n + ":00:00Z\"}");
    Files.writeString(version.resolve("weights.bin"), "not read by the store commands");
    return v;
  }

  /** Model {@code name} with two hand-made versions, promoted in turn (the second is production). */
  private static String[] twoPromoted(Path store, String name) throws IOException {
    String v1 = handMadeVersion(store, name, 1);
    String v2 = handMadeVersion(store, name, 2);
    assertEquals(0, storeCommand(store, name, "promote", v1).status);
    assertEquals(0, storeCommand(store, name, "promote", v2).status);
    return new String[] {v1, v2};
  }

  private static Cli storeCommand(Path store, String name, String command, String... rest) {
    return Cli.run(concat(new String[] {command, "--store", store.toString(), "--name", name}, rest));
  }

  /**
   * promote and rollback refuse a version that `list` marks BROKEN (metadata.json unreadable, or
   * weights.bin missing) with one line naming it and what to do, and change neither CURRENT nor
   * history.jsonl: before, both made it production and `show` and the nightly run failed after.
   */
  @Test
  void promoteAndRollbackRefuseABrokenVersion() throws IOException {
    Path store = dir.resolve("refuse-broken");
    String[] versions = twoPromoted(store, "iris");
    String v1 = versions[0];
    String v2 = versions[1];
    Path model = store.resolve("iris");
    String history = Files.readString(model.resolve("history.jsonl"));
    Files.writeString(model.resolve(v1).resolve("metadata.json"), "{broken");
    assertTrue(storeCommand(store, "iris", "list").out.contains(v1 + " BROKEN: its metadata.json is not valid JSON"));

    Cli rollback = storeCommand(store, "iris", "rollback");
    assertEquals(1, rollback.status, rollback.toString());
    assertEquals(1, rollback.err.lines().count(), rollback.err);
    assertTrue(rollback.err.startsWith("error: cannot roll model iris back to " + v1 + ", production before " + v2
        + ": " + v1 + " is broken: its metadata.json is not valid JSON at line 1, column "), rollback.err);
    assertTrue(rollback.err.strip().endsWith("(production is still " + v2 + "); restore the version's directory from "
        + "a copy, or make another version production with `dnn promote` (`dnn list` shows them)"), rollback.err);
    Cli promote = storeCommand(store, "iris", "promote", v1);
    assertEquals(1, promote.status, promote.toString());
    assertEquals(1, promote.err.lines().count(), promote.err);
    assertTrue(promote.err.startsWith("error: version " + v1 + " of model iris is broken: its metadata.json is not "
        + "valid JSON at line 1, column 2 ("), promote.err);
    assertTrue(promote.err.strip().endsWith(", so it cannot be production (production is still " + v2 + "); restore "
        + "the version's directory from a copy, or promote another version (`dnn list` shows them)"), promote.err);

    Files.writeString(model.resolve(v1).resolve("metadata.json"), "{}");
    Files.delete(model.resolve(v1).resolve("weights.bin"));
    assertError(storeCommand(store, "iris", "promote", v1), "version " + v1 + " of model iris is broken: it has no "
        + "weights.bin (an interrupted copy or a deleted file?), so it cannot be production (production is still "
        + v2 + "); restore the version's directory from a copy, or promote another version (`dnn list` shows them)");
    assertEquals(1, storeCommand(store, "iris", "rollback").status);
    assertTrue(storeCommand(store, "iris", "list").out.contains(v1 + " BROKEN: it has no weights.bin"));
    assertEquals(v2, current(store, "iris"), "production unchanged");
    assertEquals(history, Files.readString(model.resolve("history.jsonl")), "history unchanged");

    // the nightly run with production broken: one line saying what to promote, nothing trained
    Files.writeString(model.resolve(v2).resolve("metadata.json"), "{broken");
    Cli nightly = train(store, "iris", "--set", "model.warm-start=current");
    assertEquals(1, nightly.status, nightly.toString());
    assertEquals(1, nightly.err.lines().count(), nightly.err);
    assertTrue(nightly.err.startsWith("error: production version " + v2 + " of model iris is broken: its metadata.json "
        + "is not valid JSON at line 1, column 2 ("), nightly.err);
    assertTrue(nightly.err.contains("make a version that is not broken production with `dnn promote --store … --name "
        + "iris VERSION`"), nightly.err);
    try (java.util.stream.Stream<Path> left = Files.list(model)) {
      assertEquals(2, left.filter(p -> p.getFileName().toString().startsWith("v")).count(), "no version written");
    }
  }

  /**
   * Production's history is a stack: each rollback returns to the production before the current
   * one, skipping versions rolled back from, until there is none (before, a second rollback went
   * back to the version the first had left). prune keeps the version the next rollback returns
   * to, not the one rolled back from.
   */
  @Test
  void repeatedRollbacksStepFurtherBack() throws IOException {
    Path store = dir.resolve("stack");
    String v1 = handMadeVersion(store, "s", 1);
    String v2 = handMadeVersion(store, "s", 2);
    String v3 = handMadeVersion(store, "s", 3);
    String v4 = handMadeVersion(store, "s", 4);
    for (String v : List.of(v1, v2, v3)) {
      assertEquals(0, storeCommand(store, "s", "promote", v).status);
    }
    Cli first = storeCommand(store, "s", "rollback");
    assertEquals("production: " + v2 + " (was " + v3 + ")", first.out.strip(), first.toString());

    Cli prune = storeCommand(store, "s", "prune", "--keep", "1");
    assertEquals("deleted " + v3, prune.out.strip(), "v2 is production, v1 its rollback target, v4 the newest: "
        + prune);

    Cli second = storeCommand(store, "s", "rollback");
    assertEquals("production: " + v1 + " (was " + v2 + ")", second.out.strip(), second.toString());
    String history = Files.readString(store.resolve("s/history.jsonl"));
    assertError(storeCommand(store, "s", "rollback"), "no earlier production version of model s to roll back to: "
        + v1 + " is the first in its history.jsonl that was not rolled back from; make another version production "
        + "with `dnn promote` (`dnn list` shows them)");
    assertEquals(v1, current(store, "s"));
    assertEquals(history, Files.readString(store.resolve("s/history.jsonl")), "the refusal wrote nothing");

    assertEquals(0, storeCommand(store, "s", "promote", v4).status);
    Cli back = storeCommand(store, "s", "rollback");
    assertEquals("production: " + v1 + " (was " + v4 + ")", back.out.strip(), "a promotion after rollbacks is undone "
        + "to the version it replaced: " + back);
  }

  /** A line of history.jsonl that is not a pointer change: rollback names the line and the ways out; promote works. */
  @Test
  void aCorruptHistoryLineIsNamedWithTheRemedy() throws IOException {
    Path store = dir.resolve("corrupt-history");
    String[] versions = twoPromoted(store, "h");
    String v1 = versions[0];
    String v2 = versions[1];
    Path history = store.resolve("h/history.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(history));
    lines.add(1, "garbage{{\u001b[2J");
    Files.write(history, lines);

    String problem = "line 2 of file:" + history.toAbsolutePath() + " is not a pointer change ('garbage{{\\u001b[2J'), "
        + "so the production history of model h cannot be read; delete or repair that line (each line is one JSON "
        + "object with time, action, from, to, reason) or restore the file from a copy; `dnn promote --store … "
        + "--name h VERSION` sets production without reading it";
    assertError(storeCommand(store, "h", "rollback"), problem);
    assertError(storeCommand(store, "h", "prune", "--keep", "1"), problem);
    assertEquals(v2, current(store, "h"));
    Cli promote = storeCommand(store, "h", "promote", v1);
    assertEquals(0, promote.status, "promote needs no history: " + promote);
    assertEquals(v1, current(store, "h"));
  }

  /**
   * A mistyped model name or store path: every store command refuses it in one line (the names
   * the store has, nearest first; or that there is no store), and creates nothing. Training into
   * a new store and name still creates them (every other test here does).
   */
  @Test
  void aMissingModelOrStoreIsRefused() throws IOException {
    Path store = dir.resolve("names");
    handMadeVersion(store, "iris", 1);
    handMadeVersion(store, "fashion", 1);
    Files.createDirectories(store.resolve("notes"));
    String missingModel = "no model named irs in store " + store + "; it has iris, fashion (nearest first); check "
        + "--name (store.name)";
    assertError(storeCommand(store, "irs", "list"), missingModel);
    assertError(storeCommand(store, "irs", "show"), missingModel);
    assertError(storeCommand(store, "irs", "promote", "v000001-20261127T010000Z"), missingModel);
    assertError(storeCommand(store, "irs", "rollback"), missingModel);
    assertError(storeCommand(store, "irs", "prune", "--keep", "1"), missingModel);
    assertError(storeCommand(store, "irs", "unlock"), missingModel);
    assertFalse(Files.exists(store.resolve("irs")), "no model directory made for a mistyped name");

    Path nowhere = dir.resolve("no-such-store");
    String missingStore = "no model store at " + nowhere + " (no such directory; --store / store.path); check the "
        + "path (`dnn train --store " + nowhere + " --name iris` would create it)";
    assertError(storeCommand(nowhere, "iris", "list"), missingStore);
    assertError(storeCommand(nowhere, "iris", "rollback"), missingStore);
    assertFalse(Files.exists(nowhere), "no store made for a mistyped path");

    Path empty = Files.createDirectories(dir.resolve("empty-store"));
    assertError(storeCommand(empty, "iris", "list"), "no model named iris in store " + empty + ", which holds no "
        + "models; check --store (store.path) and --name (store.name)");
  }

  /**
   * report.html opens in headless Chromium in a 1280-px window: every chart decodes, no script
   * fails, the page is no wider than the window and the epochs table fits without its scroll box;
   * it has the test metrics, counts in the confusion cells, and a tiny learning rate in
   * significant digits.
   */
  @Test
  void reportRendersInHeadlessChromium() throws Exception {
    Path store = dir.resolve("report");
    assertEquals(0, train(store, "rep", "--set", "training.epochs=4", "--set", "data.test.path=" + test,
        "--set", "training.schedule.name=exponential", "--set", "training.schedule.gamma=0.01").status);
    String version = current(store, "rep");
    Path report = store.resolve("rep").resolve(version).resolve("report.html");
    assertTrue(Files.exists(report));
    String dom = Chromium.dom(report, dir);
    assertEquals("ok", Chromium.bodyAttribute(dom, "data-rendered"), dom.substring(0, Math.min(400, dom.length())));
    assertEquals("2", Chromium.bodyAttribute(dom, "data-images"), "loss and quality charts");
    int window = Integer.parseInt(Chromium.bodyAttribute(dom, "data-window-width"));
    assertTrue(window > 1200 && window <= Chromium.WINDOW_WIDTH, "window " + window);
    assertTrue(Integer.parseInt(Chromium.bodyAttribute(dom, "data-page-width")) <= window,
        "page width " + Chromium.bodyAttribute(dom, "data-page-width") + " within the window " + window);
    assertEquals("", Chromium.bodyAttribute(dom, "data-scrolled-tables"), "every table fits the window");
    for (int epoch = 1; epoch <= 4; epoch++) {
      assertTrue(dom.contains("data-epoch=\"" + epoch + "\""), "epoch " + epoch + " listed");
    }
    assertTrue(dom.contains("Promoted to production"));

    JsonNode metadata = metadata(store, "rep", version);
    JsonNode testMetrics = metadata.path("test_metrics");
    assertTrue(dom.contains("<table id=\"test-metrics\">"), "a test-metrics section");
    String testTable = dom.substring(dom.indexOf("<table id=\"test-metrics\">"));
    testTable = testTable.substring(0, testTable.indexOf("</table>"));
    assertTrue(testTable.contains("<td class=\"l\">accuracy</td><td>"
        + String.format(java.util.Locale.ROOT, "%.4f", testMetrics.path("accuracy").asDouble()) + "</td></tr>"),
        "test accuracy " + testMetrics.path("accuracy") + " in " + testTable);
    JsonNode confusion = metadata.at("/validation_metrics/confusion_matrix");
    for (int a = 0; a < confusion.size(); a++) {
      for (int p = 0; p < confusion.size(); p++) {
        java.util.regex.Matcher cell = java.util.regex.Pattern.compile("data-actual=\"" + a + "\" data-predicted=\""
            + p + "\">(\\d+)</td>").matcher(dom);
        assertTrue(cell.find(), "cell " + a + "," + p);
        assertEquals(confusion.get(a).get(p).asLong(), Long.parseLong(cell.group(1)), "count in cell " + a + "," + p);
      }
    }
    List<String> epochs = Files.readAllLines(store.resolve("rep").resolve(version).resolve("metrics.jsonl"));
    double lastRate = JSON.readTree(epochs.get(3)).path("learning_rate").asDouble();
    assertTrue(lastRate < 1e-5, "the schedule makes the last rate tiny: " + lastRate);
    String row = dom.substring(dom.indexOf("data-epoch=\"4\""));
    row = row.substring(0, row.indexOf("</tr>"));
    assertTrue(row.contains("<td>" + String.format(java.util.Locale.ROOT, "%.4g", lastRate) + "</td>"),
        "learning rate " + lastRate + " in significant digits: " + row);
    assertFalse(row.contains("0.0000<"), row);
  }
}
