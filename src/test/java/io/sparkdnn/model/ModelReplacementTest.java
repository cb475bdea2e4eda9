package io.sparkdnn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.files.FaultyFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * model.path is never lost and never replaces what is not a model: a user's folder is refused, a
 * writer killed anywhere in a replacement (in a real separate JVM, killed with SIGKILL) leaves a
 * state that the next load or write puts right, and a failed write leaves the previous model.
 */
class ModelReplacementTest {
  private final Configuration conf = new Configuration();
  @TempDir Path dir;

  @AfterEach
  void reset() {
    FaultyFileSystem.reset();
  }

  private void write(Path model, String created, boolean overwrite) {
    ModelWriter.open(model.toString(), overwrite, conf, "model.path")
        .commit(GoldenModels.v1().withRecord(TrainingRecord.created(created)));
  }

  private String created(Path model) {
    return ModelReader.read(model.toString(), conf, "model.path").record().created();
  }

  /** An empty directory made beforehand for the model holds nothing to lose: the model is written there. */
  @Test
  void anEmptyDirectoryIsWrittenInto() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("made-beforehand"));
    write(empty, "new", false);
    assertEquals("new", created(empty));
  }

  @Test
  void aFolderThatIsNotAModelIsNeverReplaced() throws IOException {
    Path users = dir.resolve("results");
    Files.createDirectories(users.resolve("plots"));
    Files.writeString(users.resolve("notes.txt"), "mine");
    for (boolean overwrite : new boolean[] {true, false}) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> write(users, "new", overwrite));
      assertEquals("model.path " + users + " is not a spark-dnn model (it has no metadata.json); spark-dnn replaces "
          + "only what it wrote, even with model.overwrite = true: choose another path, or move that one away "
          + "yourself", e.getMessage());
    }
    Path other = dir.resolve("other-tool");
    Files.createDirectories(other);
    Files.writeString(other.resolve("metadata.json"), "{\"format\": \"someone-elses\"}");
    assertTrue(assertThrows(IllegalStateException.class, () -> write(other, "new", true)).getMessage()
        .contains("is not a spark-dnn model (its metadata.json does not say \"format\": \"spark-dnn-model\")"));
    assertEquals("mine", Files.readString(users.resolve("notes.txt")));
    assertTrue(Files.isDirectory(users.resolve("plots")));
    assertEquals(List.of("other-tool", "results"), names(dir), "nothing staged");

    Path model = dir.resolve("model");
    write(model, "first", false);
    assertTrue(assertThrows(IllegalStateException.class, () -> write(model, "second", false)).getMessage()
        .equals("model.path " + model + " already exists; set model.overwrite = true or choose another path"));
    write(model, "second", true);
    assertEquals("second", created(model), "a model is replaced with model.overwrite");
  }

  @Test
  void killedBetweenTheRenamesTheNextLoadPutsThePreviousModelBack() throws Exception {
    Path model = dir.resolve("model");
    write(model, "previous", false);
    killAt("between-renames", model, () -> !Files.exists(model) && sibling(model, ".old-") != null);
    assertEquals("previous", created(model));
    assertEquals(List.of("model"), names(dir), "the staging directory of the killed writer is gone too");
  }

  @Test
  void killedBetweenTheRenamesTheNextWritePutsThePreviousModelBackFirst() throws Exception {
    Path model = dir.resolve("model");
    write(model, "previous", false);
    killAt("between-renames", model, () -> !Files.exists(model) && sibling(model, ".old-") != null);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> write(model, "next", false));
    assertTrue(e.getMessage().contains("already exists"), "the previous model is back before the check: " + e);
    assertEquals(List.of("model"), names(dir));
    write(model, "next", true);
    assertEquals("next", created(model));
    assertEquals(List.of("model"), names(dir));
  }

  @Test
  void killedAfterTheSwapTheNextLoadDeletesTheOldCopy() throws Exception {
    Path model = dir.resolve("model");
    write(model, "previous", false);
    killAt("before-delete", model, () -> Files.exists(model.resolve(ModelFormat.METADATA))
        && sibling(model, ".old-") != null && sibling(model, ".staging-") == null);
    assertEquals("new", created(model), "the new model was complete and in place");
    assertEquals(List.of("model"), names(dir));
  }

  @Test
  void theStagingDirectoryOfAKilledWriterIsRemovedByTheNextLoadOrWrite() throws Exception {
    Path model = dir.resolve("model");
    write(model, "previous", false);
    killAt("training", model, () -> sibling(model, ".staging-") != null
        && Files.exists(sibling(model, ".staging-").resolve(ModelFormat.METRICS)));
    assertEquals("previous", created(model));
    assertEquals(List.of("model"), names(dir));

    killAt("training", model, () -> sibling(model, ".staging-") != null
        && Files.exists(sibling(model, ".staging-").resolve(ModelFormat.METRICS)));
    ModelWriter.open(model.toString(), true, conf, "model.path").abort();
    assertEquals(List.of("model"), names(dir));
  }

  @Test
  void aFullDiskLeavesThePreviousModelAndNothingHalfWritten() {
    Path model = dir.resolve("model");
    write(model, "previous", false);
    Configuration faulty = FaultyFileSystem.configuration();

    FaultyFileSystem.failWrites(p -> p.getName().equals(ModelFormat.WEIGHTS), FaultyFileSystem::diskFull);
    ModelWriter writer = ModelWriter.open(FaultyFileSystem.uri(model), true, faulty, "model.path");
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> writer.commit(GoldenModels.v1().withRecord(TrainingRecord.created("new"))));
    assertEquals("cannot write the model to " + FaultyFileSystem.uri(model) + " (model.path): No space left on "
        + "device; free space on that filesystem, or choose another model.path", e.getMessage());
    assertEquals("previous", created(model));
    assertEquals(List.of("model"), names(dir));

    FaultyFileSystem.failWrites(p -> p.getName().endsWith(".tmp"), FaultyFileSystem::diskFull);
    ModelWriter training = ModelWriter.open(FaultyFileSystem.uri(model), true, faulty, "model.path");
    e = assertThrows(UncheckedIOException.class, () -> training.writeMetrics(List.of("{}")));
    assertTrue(e.getMessage().startsWith("cannot write metrics.jsonl of the model " + FaultyFileSystem.uri(model)
        + " (model.path): No space left on device"), e.getMessage());
    assertEquals(List.of("_spark-dnn.json"), names(sibling(model, ".staging-")), "no .metrics.jsonl.tmp left");
    training.close();
    assertEquals(List.of("model"), names(dir), "the staging directory went with the failed run");
  }

  @Test
  void aReadOnlyFilesystemIsOneClearError() {
    Path model = dir.resolve("model");
    write(model, "previous", false);
    FaultyFileSystem.failWrites(p -> true, FaultyFileSystem::readOnly);
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> ModelWriter.open(FaultyFileSystem.uri(model), true, FaultyFileSystem.configuration(), "model.path"));
    assertTrue(e.getMessage().startsWith("cannot write a spark-dnn model to " + FaultyFileSystem.uri(model)
        + " (model.path): "), e.getMessage());
    assertTrue(e.getMessage().endsWith("(Read-only file system); make the directory writable for this user, "
        + "or choose another model.path"), e.getMessage());
    assertEquals("previous", created(model));
    assertEquals(List.of("model"), names(dir));
  }

  /**
   * Runs {@link InterruptedModelWrite} in its own JVM, waits until the files show that it has
   * reached {@code stage}, and kills it there (SIGKILL: nothing of it runs after).
   */
  private void killAt(String stage, Path model, BooleanSupplier reached) throws Exception {
    Path log = dir.getParent().resolve(dir.getFileName() + "-" + stage + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        InterruptedModelWrite.class.getName(), stage, model.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!reached.getAsBoolean()) {
        if (!p.isAlive()) {
          throw new AssertionError("the writer ended (exit " + p.exitValue() + ") before reaching " + stage + ":\n"
              + Files.readString(log));
        }
        if (System.nanoTime() > end) {
          throw new AssertionError("the writer did not reach " + stage + " in 120 s:\n" + Files.readString(log));
        }
        Thread.sleep(20);
      }
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  private static Path sibling(Path target, String kind) {
    try (Stream<Path> s = Files.list(target.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith("." + target.getFileName() + kind))
          .findFirst().orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> names(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
