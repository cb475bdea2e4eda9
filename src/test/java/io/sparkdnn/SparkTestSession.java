package io.sparkdnn;

import io.sparkdnn.files.PosixLocalFileSystem;
import io.sparkdnn.train.SparkSetup;
import org.apache.spark.sql.SparkSession;

/** One local[2] session for all Spark tests in the JVM, with Kryo registration required. */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      session = SparkSetup.configure(SparkSession.builder())
          .master("local[2]")
          .appName("spark-dnn-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.kryo.registrationRequired", "true")
          // the memory sink of the streaming tests ships its commit messages by Kryo, unregistered by Spark
          .config("spark.kryo.classesToRegister",
              "org.apache.spark.sql.execution.streaming.sources.MemoryWriterCommitMessage,"
                  + "org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema,[Ljava.lang.Object;,"
                  + "[Lorg.apache.spark.sql.Row;")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          // file: paths as the command line's local sessions write them (no chmod process per file)
          .config("spark.hadoop." + PosixLocalFileSystem.SETTING, PosixLocalFileSystem.class.getName())
          .getOrCreate();
    }
    return session;
  }
}
