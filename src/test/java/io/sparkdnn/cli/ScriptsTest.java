package io.sparkdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/lib.sh's class-data archive check: an archive that is not the size it was recorded with
 * (truncated by a full disk, a copy cut short) made the JVM die with SIGBUS while mapping it; it
 * must be removed with a note and never reach the JVM.
 */
class ScriptsTest {
  @TempDir Path dir;

  /** Runs {@code cds_archive_ok ARCHIVE} from scripts/lib.sh; returns exit status and stderr. */
  private String[] check(Path archive) throws Exception {
    Process p = new ProcessBuilder("bash", "-c", ". scripts/lib.sh && cds_archive_ok \"$1\"", "check",
        archive.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new String[] {Integer.toString(p.waitFor()), err};
  }

  @Test
  void aTruncatedArchiveIsRemovedWithANoteAndAWholeOneIsKept() throws Exception {
    Path archive = dir.resolve("dnn-0123.jsa");
    Files.write(archive, new byte[5000]);
    Files.writeString(dir.resolve("dnn-0123.jsa.size"), "5000\n");
    String[] whole = check(archive);
    assertEquals("0", whole[0], whole[1]);
    assertEquals("", whole[1]);
    assertTrue(Files.exists(archive));

    Files.write(archive, new byte[1000]); // truncated
    String[] truncated = check(archive);
    assertEquals("1", truncated[0]);
    assertTrue(truncated[1].startsWith("note: removed the damaged class-data archive " + archive), truncated[1]);
    assertFalse(Files.exists(archive));
    assertFalse(Files.exists(dir.resolve("dnn-0123.jsa.size")));

    Files.write(archive, new byte[5000]); // no recorded size: never used
    assertEquals("1", check(archive)[0]);
    assertFalse(Files.exists(archive));
  }

  /**
   * Before a new archive is recorded, the old ones go, with the staged ones a killed recording
   * left (170 MB each; they had piled up across sessions); other files stay.
   */
  @Test
  void archivesOfEarlierBuildsAndKilledRecordingsAreClearedBeforeANewOne() throws Exception {
    Path cds = dir.resolve("cds");
    Files.createDirectories(cds);
    for (String name : new String[] {"dnn-old.jsa", "dnn-old.jsa.size", ".staged-123.jsa", ".staged-456.jsa", "keep.txt"}) {
      Files.writeString(cds.resolve(name), "x");
    }
    Process p = new ProcessBuilder("bash", "-c", ". scripts/lib.sh && clear_old_archives \"$1\"", "clear",
        cds.toString()).inheritIO().start();
    assertEquals(0, p.waitFor());
    try (java.util.stream.Stream<Path> left = Files.list(cds)) {
      assertEquals(java.util.List.of("keep.txt"), left.map(f -> f.getFileName().toString()).toList());
    }
  }

  /** scripts/dnn's stderr filter drops the JVM's incubator-module notice, and only that first line. */
  @Test
  void theJvmNoticeIsDroppedAndNothingElse() throws Exception {
    String notice = "WARNING: Using incubator modules: jdk.incubator.vector\n";
    assertEquals("error: x\nWARNING: Using incubator modules: jdk.incubator.vector\n",
        filter(notice + "error: x\n" + notice));
    assertEquals("error: y\n", filter("error: y\n"));
    assertEquals("WARNING: something else\n", filter("WARNING: something else\n"));
  }

  private static String filter(String input) throws Exception {
    Process p = new ProcessBuilder("bash", "-c", ". scripts/lib.sh && without_jvm_notice").start();
    p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor());
    return out;
  }
}
