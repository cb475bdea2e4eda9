package io.sparkdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.data.BadRowException;
import io.sparkdnn.data.BadRowReason;
import io.sparkdnn.data.DataException;
import io.sparkdnn.data.Failures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.fs.FSError;
import org.apache.logging.log4j.core.Filter;
import org.apache.spark.SparkException;
import org.apache.spark.SparkThrowable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a failure becomes on the command line: one line, saying what happened where, and what to do. */
class ErrorLineTest {

  /** Hadoop's local filesystem reports a full disk as an Error, inside whatever Spark or our code wraps it in. */
  @Test
  void aFullDiskNamesThePathAndWhatToDo() throws Exception {
    // FSError's constructor is package-private: Hadoop's local filesystem is the only one to throw it.
    java.lang.reflect.Constructor<FSError> make = FSError.class.getDeclaredConstructor(Throwable.class);
    make.setAccessible(true);
    FSError full = make.newInstance(new IOException("No space left on device"));
    Throwable inTask = new SparkException("Job aborted due to stage failure: Task 0 in stage 3.0 failed: "
        + "writing file:/data/out/part-0000.parquet", full);
    String line = ErrorLine.of(inTask);
    assertTrue(line.startsWith("no space left on the device at file:/data/out/part-0000.parquet"), line);
    assertTrue(line.contains("free some space or write elsewhere"), line);
    String ours = ErrorLine.of(new UncheckedIOException("cannot write a checkpoint to /ckpt (checkpoint.dir): x",
        new IOException("/ckpt/.epoch-000003.ckpt.tmp: No space left on device")));
    assertTrue(ours.startsWith("no space left on the device at /ckpt/.epoch-000003.ckpt.tmp"), ours);
    assertTrue(ours.contains("(cannot write a checkpoint to /ckpt (checkpoint.dir)"), ours);
  }

  @Test
  void permissionsAndReadOnlyFilesystems() {
    String denied = ErrorLine.of(new SparkException("write failed", new AccessDeniedException("/srv/predictions")));
    assertEquals("permission denied at /srv/predictions; choose a path you can write (or read), or fix its "
        + "permissions", denied);
    String notPermitted = ErrorLine.of(new UncheckedIOException("cannot write export.output imm/x.onnx: "
        + "/srv/imm/.x.onnx.staging-1 (Operation not permitted)", new IOException("Operation not permitted")));
    assertEquals("the operation is not permitted at /srv/imm/.x.onnx.staging-1; choose a path you can write, or fix "
        + "its permissions or attributes (cannot write export.output imm/x.onnx)", notPermitted);
    String readOnly = ErrorLine.of(new IOException("mkdir of /mnt/ro/model failed: Read-only file system"));
    assertTrue(readOnly.startsWith("the filesystem is read-only at /mnt/ro/model"), readOnly);
  }

  /** A relative path in the message is not mistaken for the absolute path its tail looks like. */
  @Test
  void aFileInTheWayOfARelativePathIsNamedByItsFullPath(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("ff"), "hi");
    String line = ErrorLine.of(new java.io.UncheckedIOException("cannot write export.output dd/ff/x.onnx: "
        + "Destination exists and is not a directory: " + file, new IOException("not a directory")));
    assertEquals("a file stands where a directory is needed at " + file + "; choose another path (cannot write "
        + "export.output dd/ff/x.onnx)", line);
  }

  /**
   * A data error thrown in a task reaches the driver inside Spark's exception: its own message is the
   * line; a bad row adds what to do, also when named by another job's data or known only by its text.
   */
  @Test
  void aDataErrorInATaskIsItsOwnMessage() {
    BadRowException bad = new BadRowException(BadRowReason.NON_FINITE_FEATURE, "f1", "is NaN").atRow(17);
    String remedy = "; fix or remove the row, or set data.bad-rows = skip to pass over such rows";
    assertEquals("row 17: column 'f1' is NaN" + remedy, ErrorLine.of(new SparkException("Job aborted", bad)));
    assertEquals("test data: row 17: column 'f1' is NaN" + remedy,
        ErrorLine.of(Failures.asDataException(new SparkException("Job aborted", bad), "test data")));
    assertEquals("row 17: column 'f1' is NaN" + remedy, ErrorLine.of(new SparkException(
        "Task 0 failed: io.sparkdnn.data.BadRowException: row 17: column 'f1' is NaN\n\tat ...")));
    assertEquals("cannot read data",
        ErrorLine.of(new SparkException("Job aborted", new DataException("cannot read data"))));
  }

  @Test
  void anythingElseIsItsRootCauseWithAPointerToDebug() {
    String line = ErrorLine.of(new RuntimeException("outer", new ArithmeticException("/ by zero")));
    assertEquals("ArithmeticException: / by zero (--debug shows the stack trace)", line);
  }

  /** The log filter drops exactly the events that repeat one of our data errors. */
  @Test
  void sparksRepeatsOfADataErrorAreQuiet() {
    DataException bad = new DataException("row 3: column 'x' is NaN");
    assertEquals(Filter.Result.DENY, QuietFailures.check(new SparkException("task failed", bad), "Exception in task"));
    assertEquals(Filter.Result.DENY, QuietFailures.check(null,
        "Putting block rdd_20_0 failed due to exception io.sparkdnn.data.BadRowException: row 2 ..."));
    assertEquals(Filter.Result.NEUTRAL, QuietFailures.check(new OutOfMemoryError("Java heap space"),
        "Exception in task 0.0"));
    assertEquals(Filter.Result.NEUTRAL, QuietFailures.check(null, "Lost executor 1 on 127.0.0.1"));
  }

  /**
   * A task that cannot read an input file (here a text file read as parquet): the error line names
   * the file and the reader's reason, so the executor's stack trace of it is dropped.
   */
  @Test
  void sparksFailureToReadAFileIsQuiet(@TempDir Path dir) throws IOException {
    Path notParquet = Files.writeString(dir.resolve("not.parquet"), "a,b\n1,2\n");
    Exception failure = assertThrows(Exception.class,
        () -> SparkTestSession.get().read().parquet(notParquet.toString()).collectAsList());
    Throwable task = failure;
    while (task.getCause() != null && !(task instanceof SparkThrowable s && s.getCondition() != null
        && s.getCondition().startsWith("FAILED_READ_FILE"))) {
      task = task.getCause();
    }
    assertEquals(Filter.Result.DENY, QuietFailures.check(task, "Exception in task 0.0 in stage 1.0 (TID 1)"));
  }

  /** Out of memory, here or in a task that Spark reports by its text: what happened and which settings give more. */
  @Test
  void outOfMemorySaysWhichSettingsGiveMore() {
    String here = ErrorLine.of(new SparkException("Job aborted", new OutOfMemoryError("Java heap space")));
    assertEquals("the JVM ran out of memory (Java heap space); give it more: DNN_DRIVER_MEMORY=8g scripts/dnn … (4g "
        + "by default), or with spark-submit --driver-memory (and --executor-memory on a cluster)", here);
    String task = ErrorLine.of(new SparkException("Job aborted due to stage failure: Task 1 in stage 71.0 failed: "
        + "java.lang.OutOfMemoryError: Java heap space\n\tat io.sparkdnn.engine.MiniBatch.<init>"));
    assertTrue(task.startsWith("the JVM ran out of memory (Java heap space); give it more"), task);
    assertTrue(ErrorLine.of(new OutOfMemoryError()).startsWith("the JVM ran out of memory (OutOfMemoryError); give"),
        "without a message too");
  }
}
