package io.sparkdnn.train;

import org.apache.spark.sql.SparkSession;

/** The Spark settings this project relies on, applied to every session it creates. */
public final class SparkSetup {
  private SparkSetup() {}

  /** Kryo with our registrator; the caller adds master, app name and its own settings. */
  public static SparkSession.Builder configure(SparkSession.Builder builder) {
    return builder
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", DnnKryoRegistrator.class.getName())
        // Bulk copies of primitive arrays (blocks, weights, gradients) instead of element by element.
        .config("spark.kryo.unsafe", "true")
        // Blocks are a few MB of floats; the default 64m buffer limit is too small for large ones.
        .config("spark.kryoserializer.buffer.max", "1g");
  }
}
