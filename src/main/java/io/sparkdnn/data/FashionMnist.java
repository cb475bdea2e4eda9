package io.sparkdnn.data;

import io.sparkdnn.files.Causes;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Converts Fashion-MNIST from its IDX files (as Debian's dataset-fashion-mnist installs them) to
 * parquet: {@code label} (int 0–9) and {@code features} (784 floats, pixel / 255, row by row).
 */
public final class FashionMnist {
  public static final int PIXELS = 28 * 28;
  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;
  /** Rows shipped to one task while converting: ~785 KB, under Spark's 1,000 KiB task-size warning. */
  private static final int CHUNK = 1000;
  /**
   * Rows per parquet file: 12 train files and 2 test files, split evenly over 2, 3, 4, 6 or 12
   * tasks. Spark opens every file in its own reader, and per file that costs several milliseconds:
   * one file per 1,000-row chunk (60 files) took 0.61–0.82 s to read whole (Spark's no-op sink,
   * local[2], 6 warm runs), against 0.33–0.48 s for the same rows in 2 or 8 files.
   */
  private static final int ROWS_PER_FILE = 5000;
  private static final String[][] SPLITS = {
    {"train", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"},
    {"test", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"},
  };

  private FashionMnist() {}

  /** The directories {@link #write} makes, one per split: train.parquet, test.parquet. */
  public static final List<String> OUTPUTS = List.of("train.parquet", "test.parquet");

  /**
   * Writes {@code output}/train.parquet and {@code output}/test.parquet, which must not exist;
   * returns rows per split.
   *
   * @throws DataException when the source or one of its four IDX files is missing (before anything
   *     is written)
   */
  public static long[] prepare(SparkSession spark, Path source, String output) {
    return write(spark, source, name -> output + "/" + name, SaveMode.ErrorIfExists);
  }

  /**
   * Checks that {@code source} holds the four IDX files, then writes split {@code name} (one of
   * {@link #OUTPUTS}) to {@code target.apply(name)} with {@code mode}; returns rows per split.
   *
   * @throws DataException when the source or one of its IDX files is missing (before anything is
   *     written)
   */
  public static long[] write(SparkSession spark, Path source, java.util.function.Function<String, String> target,
      SaveMode mode) {
    if (!Files.isDirectory(source)) {
      throw new DataException("Fashion-MNIST not found at " + source + " (prepare.source); install it "
          + "with `apt-get install dataset-fashion-mnist` or point prepare.source at its IDX files");
    }
    for (String[] split : SPLITS) {
      for (int f = 1; f < split.length; f++) {
        requireFile(source.resolve(split[f]));
      }
    }
    long[] counts = new long[SPLITS.length];
    StructType schema = new StructType()
        .add("label", DataTypes.IntegerType, false)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    for (int i = 0; i < SPLITS.length; i++) {
      Path images = source.resolve(SPLITS[i][1]);
      Path labels = source.resolve(SPLITS[i][2]);
      byte[][] pixels = readImages(images);
      byte[] classes = readLabels(labels);
      if (pixels.length != classes.length) {
        throw new DataException(images + " holds " + pixels.length + " images but " + labels + " holds "
            + classes.length + " labels");
      }
      // Ship raw bytes in chunks (small tasks, cheap to serialise) and build rows on the executors.
      List<byte[]> chunks = new ArrayList<>();
      for (int start = 0; start < pixels.length; start += CHUNK) {
        int n = Math.min(CHUNK, pixels.length - start);
        byte[] chunk = new byte[n * (PIXELS + 1)];
        for (int r = 0; r < n; r++) {
          chunk[r * (PIXELS + 1)] = classes[start + r];
          System.arraycopy(pixels[start + r], 0, chunk, r * (PIXELS + 1) + 1, PIXELS);
        }
        chunks.add(chunk);
      }
      JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(chunks, chunks.size())
          .flatMap(FashionMnist::rowsOf);
      int files = (pixels.length + ROWS_PER_FILE - 1) / ROWS_PER_FILE;
      // coalesce joins neighbouring chunks (no shuffle), so the rows keep the IDX files' order
      spark.createDataFrame(rows, schema).coalesce(files).write().mode(mode)
          .parquet(target.apply(OUTPUTS.get(i)));
      counts[i] = pixels.length;
    }
    return counts;
  }

  private static java.util.Iterator<Row> rowsOf(byte[] chunk) {
    int n = chunk.length / (PIXELS + 1);
    List<Row> rows = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      int base = r * (PIXELS + 1);
      float[] x = new float[PIXELS];
      for (int p = 0; p < PIXELS; p++) {
        x[p] = (chunk[base + 1 + p] & 0xFF) / 255f;
      }
      rows.add(RowFactory.create((int) chunk[base], x));
    }
    return rows.iterator();
  }

  static byte[][] readImages(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != IMAGES_MAGIC) {
        throw new DataException(file + " is not an IDX image file (magic " + Integer.toHexString(magic) + ")");
      }
      int count = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (rows * cols != PIXELS || count <= 0) {
        throw new DataException(file + " holds " + count + " images of " + rows + "×" + cols + "; expected 28×28");
      }
      byte[][] images = new byte[count][PIXELS];
      for (byte[] image : images) {
        in.readFully(image);
      }
      return images;
    } catch (IOException e) {
      throw new DataException("cannot read " + file + ": " + Causes.firstLine(e));
    }
  }

  static byte[] readLabels(Path file) {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC) {
        throw new DataException(file + " is not an IDX label file (magic " + Integer.toHexString(magic) + ")");
      }
      byte[] labels = new byte[in.readInt()];
      in.readFully(labels);
      return labels;
    } catch (IOException e) {
      throw new DataException("cannot read " + file + ": " + Causes.firstLine(e));
    }
  }

  /** @throws DataException when {@code file} (one of the four IDX files) is missing, with what to do */
  private static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataException("missing Fashion-MNIST file " + file + " (prepare.source); reinstall it with"
          + " `apt-get install --reinstall dataset-fashion-mnist` or point prepare.source at a directory with all"
          + " four IDX files");
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    requireFile(file); // (checked before anything was written; checked again in case it went since)
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw);
  }
}
