package io.sparkdnn.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where rollback returns to, replayed from history.jsonl as earlier releases wrote it too. */
class ModelStoreTest {
  @TempDir Path dir;

  private String version(String name, int n) throws Exception {
    return LockTest.version(dir, name, n);
  }

  private static String change(String action, String from, String to) {
    return "{\"time\":\"2026-11-27T00:00:00Z\",\"action\":\"" + action + "\",\"from\":"
        + (from == null ? "null" : "\"" + from + "\"") + ",\"to\":\"" + to + "\",\"reason\":\"r\"}";
  }

  /**
   * The history an earlier release wrote when its second rollback undid the first (v3 → v2, then
   * v2 → v3): both v3 and v2 were rolled back from, so the next rollback goes to v1, and the
   * one after that is refused.
   */
  @Test
  void aHistoryWhoseSecondRollbackUndidTheFirstStepsBackToTheVersionBefore() throws Exception {
    String v1 = version("old", 1);
    String v2 = version("old", 2);
    String v3 = version("old", 3);
    Files.write(dir.resolve("old/history.jsonl"), List.of(change("promote", null, v1), change("promote", v1, v2),
        change("force-promote", v2, v3), change("rollback", v3, v2), change("rollback", v2, v3)));
    Files.writeString(dir.resolve("old/CURRENT"), v3 + "\n");
    ModelStore store = new ModelStore(dir.toString(), "old", new Configuration());
    assertEquals(v1, store.rollback("by hand"));
    IllegalStateException none = assertThrows(IllegalStateException.class, () -> store.rollback("again"));
    assertTrue(none.getMessage().startsWith("no earlier production version of model old"), none.getMessage());
    assertEquals(v1, store.current());
  }

  /** Promoting production again records a change but no new step: rollback still leaves it. */
  @Test
  void promotingProductionAgainIsNotAStepToRollBackTo() throws Exception {
    String v1 = version("same", 1);
    String v2 = version("same", 2);
    ModelStore store = new ModelStore(dir.toString(), "same", new Configuration());
    store.promote(v1, "first");
    store.promote(v2, "second");
    store.promote(v2, "again");
    assertEquals(v1, store.rollback("back"));
  }

  /**
   * A run's first attempt takes its version number before training; if it fails, the number stays
   * with it for its retry. A run started in between gets the next number, so no number is given twice.
   */
  @Test
  void aNumberTakenByAFailedRunIsNotGivenToTheNext() throws Exception {
    version("taken", 1);
    ModelStore store = new ModelStore(dir.toString(), "taken", new Configuration());
    String failed = store.runVersion("b");
    assertTrue(failed.startsWith("v000002-"), failed);
    String next = store.runVersion("c");
    assertTrue(next.startsWith("v000003-"), next);
    assertEquals(failed, store.runVersion("b"), "the retry keeps its number");
    assertTrue(store.newVersion().startsWith("v000004-"));
  }
}
