package io.sparkdnn.data;

import io.sparkdnn.files.Causes;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** A dataset on any Hadoop filesystem in one of the formats Spark reads. */
public final class DataSource implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final DataFormat format;
  private final Map<String, String> options;
  private final String configKey;
  private final long width;
  private final String widthSource;

  /**
   * @param configKey the configuration key the path came from, named in messages
   */
  public DataSource(String path, DataFormat format, Map<String, String> options, String configKey) {
    this(path, format, options, configKey, 0, null);
  }

  private DataSource(String path, DataFormat format, Map<String, String> options, String configKey, long width,
      String widthSource) {
    this.path = java.util.Objects.requireNonNull(path, configKey);
    this.format = java.util.Objects.requireNonNull(format, "format");
    this.options = new LinkedHashMap<>(options);
    this.configKey = configKey;
    this.width = width;
    this.widthSource = widthSource;
  }

  /**
   * This data read for a network of {@code width} inputs: libsvm files, whose lines do not say how
   * wide their vectors are, are read at that width unless the user's numFeatures option says
   * otherwise (without it Spark's reader takes the largest index in the files, which a test or
   * predict file rarely shares with the training data). Other formats are unaffected.
   *
   * @param width the network's or model's input width (features)
   * @param source what that width is, for messages: "network.layers", "the model"
   */
  public DataSource forInputWidth(long width, String source) {
    return new DataSource(path, format, options, configKey, width, source);
  }

  public String path() {
    return path;
  }

  public DataFormat format() {
    return format;
  }

  /** Options passed to Spark's reader (e.g. sep for csv). */
  public Map<String, String> options() {
    return java.util.Collections.unmodifiableMap(options);
  }

  /** The key that sets this data's format: the path's key with "format" for "path". */
  private String formatKey() {
    return configKey.endsWith(".path") ? configKey.substring(0, configKey.length() - 4) + "format" : "its format";
  }

  private static String formats() {
    return java.util.Arrays.stream(DataFormat.values()).map(DataFormat::token)
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** How messages refer to this data: {@code what (key=path)}. */
  public String describe(String what) {
    return what + " (" + configKey + "=" + path + ")";
  }

  /**
   * Reads the data and checks that it has rows (one Spark job; see {@link #open} for data whose
   * first scan comes soon anyway). CSV is read with its header and inferred column types, refusing
   * a header that names a column twice; a line that does not fit the header is kept in the column
   * {@link Columns#MALFORMED}, so that it is refused (or skipped) as a bad row, by its number, rather
   * than silently cut to fit.
   *
   * @throws DataException when the path is missing, unreadable in this format, or holds no rows
   */
  public Dataset<Row> read(SparkSession spark, String what) {
    Dataset<Row> data = open(spark, what);
    EmptyInput.check(data, describe(what));
    return data;
  }

  /**
   * {@link #read} without looking for rows: the caller's first scan of the data must report an
   * empty input with {@link EmptyInput#check} (DnnTrainer's does). Saves a Spark job.
   *
   * @throws DataException when the path is missing, unreadable in this format, or has no columns
   */
  public Dataset<Row> open(SparkSession spark, String what) {
    checkExists(spark, what);
    Map<String, String> reader = new HashMap<>(); // options of ours for the reader, beside the user's
    if (format == DataFormat.LIBSVM) {
      // Before Spark's reader, one pass of ours checks every line: a bad line fails Spark's reader with
      // a bare NumberFormatException (and a task's stack trace in the log), naming neither file nor
      // line. The reader is then given numFeatures (the network's width, else the largest index this
      // pass found), so that it makes no scan of its own.
      long given = libsvmNumFeatures();
      String key = configKey.endsWith(".path")
          ? configKey.substring(0, configKey.length() - 4) + "options.numFeatures" : "the reader option numFeatures";
      if (given > 0 && width > 0 && given != width) { // else every row would be refused as of the wrong size
        throw new DataException(describe(what) + ": " + key + " = " + given + " reads vectors of " + given
            + " features, but " + widthSource + " takes " + width + "; remove the option (libsvm files are then read "
            + "at " + width + ") or set it to " + width);
      }
      // the width lines must fit: the user's numFeatures, else the network's (≤ 0: none known)
      boolean byNetwork = given <= 0 && option("numFeatures") == null && width > 0;
      long limit = byNetwork ? width : given;
      String beyond = byNetwork
          ? "the " + width + " inputs of " + widthSource + "; drop the line, or train a network with more inputs "
              + "(the width of a libsvm file is set by " + key + ")"
          : "numFeatures = " + given + " (" + key + "); raise it or drop the line";
      LibsvmLines.Scan scan = LibsvmLines.scan(spark, path, limit, beyond);
      if (scan.badLine() != null) {
        throw new DataException(describe(what) + ": " + scan.badLine());
      }
      if (option("numFeatures") == null) {
        // the network's width, else the width the reader would find by a scan of its own (warning that it does)
        long numFeatures = width > 0 ? width : scan.maxIndex();
        if (numFeatures > 0) {
          reader.put("numFeatures", Long.toString(numFeatures));
        }
      }
    }
    Dataset<Row> data;
    try {
      if (format == DataFormat.CSV) {
        data = readCsv(spark, what);
      } else if (format == DataFormat.JSON) {
        data = readJson(spark);
      } else {
        data = spark.read().format(format.token()).options(options).options(reader).load(path);
      }
    } catch (DataException e) {
      throw e;
    } catch (Exception e) { // Spark's AnalysisException is checked to Java
      if (e instanceof org.apache.spark.SparkThrowable t && "UNABLE_TO_INFER_SCHEMA".equals(t.getCondition())) {
        // Spark's own advice ("specify it manually") is not something a user of this tool can do
        throw new DataException(describe(what) + " holds no " + format.token() + " files to read (Spark finds no "
            + "schema: an empty directory, or files of another format); point " + configKey + " at the data");
      }
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new DataException("cannot read " + describe(what) + " as " + format.token() + ": " + Causes.firstLine(root)
          + "; if the data is in another format, set " + formatKey() + " (" + formats() + ")");
    }
    if (data.schema().isEmpty()) {
      throw new DataException(describe(what) + " is empty: it has no columns and no rows");
    }
    return data;
  }

  /** The user's reader option {@code name} (case-insensitive, as Spark reads options), or null. */
  private String option(String name) {
    return options.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue).findFirst().orElse(null);
  }

  /** The user's numFeatures option for the libsvm reader, or −1 when it is not a number (the reader then complains). */
  private long libsvmNumFeatures() {
    String given = option("numFeatures");
    try {
      return given == null ? -1 : Long.parseLong(given.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * CSV as RFC 4180 writes it, unless data.*.options say otherwise: a quote inside a quoted field is
   * doubled ({@code "se,""to""sa"}), as Python's csv module, spreadsheets and R write it. Spark's
   * default escape is a backslash, with which a doubled quote is read as two fields' worth of quotes.
   */
  private Dataset<Row> readCsv(SparkSession spark, String what) {
    List<Row> header = spark.read().option("escape", "\"").options(options).option("header", "false").csv(path)
        .limit(1).collectAsList();
    if (header.isEmpty()) {
      throw new DataException(describe(what) + " is empty: it has no header line and no rows");
    }
    Map<String, Integer> seen = new HashMap<>();
    Row names = header.get(0);
    for (int i = 0; i < names.length(); i++) {
      String name = names.isNullAt(i) ? "" : names.getString(i).trim();
      Integer before = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), i);
      if (before != null) {
        throw new DataException(describe(what) + ": the header names column '" + name + "' twice (columns "
            + (before + 1) + " and " + (i + 1) + "); give every column its own name");
      }
    }
    Dataset<Row> inferred = spark.read().option("header", "true").option("inferSchema", "true").option("escape", "\"")
        .options(options)
        .csv(path);
    String separator = options.getOrDefault("sep", options.getOrDefault("delimiter", ","));
    StructType schema = inferred.schema().add(Columns.malformedField(
        new Columns.Malformed(DataFormat.CSV, inferred.schema().size(), separator)));
    // With column pruning Spark's CSV reader parses only the columns a query uses, and a line with an
    // extra field then passes as well-formed. This data gets a session of its own (same SparkContext
    // and cache, own SQL settings) where every line is parsed whole; the user's session is untouched.
    SparkSession whole = spark.newSession();
    whole.conf().set("spark.sql.csv.parser.columnPruning.enabled", "false");
    // Every file's header must name the columns as the schema does (Spark's default only warns and
    // reads a file with its columns in another order into the wrong columns); the user may say otherwise.
    return whole.read().option("header", "true").option("enforceSchema", "false").option("escape", "\"")
        .options(options)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", Columns.MALFORMED).schema(schema).csv(path);
  }

  /**
   * JSON with the schema Spark infers. When some line cannot be parsed, that schema has the
   * {@link Columns#MALFORMED} column; it is marked as JSON's, so that the row is refused in JSON's
   * terms, not CSV's (the schema is given back, so the files are not inferred again).
   */
  private Dataset<Row> readJson(SparkSession spark) {
    Dataset<Row> inferred = spark.read().format(format.token()).options(options).load(path);
    StructField[] fields = inferred.schema().fields().clone();
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equals(Columns.MALFORMED) && fields[i].dataType().equals(DataTypes.StringType)) {
        fields[i] = Columns.malformedField(DataFormat.JSON);
        return spark.read().format(format.token()).options(options)
            .option("columnNameOfCorruptRecord", Columns.MALFORMED).schema(new StructType(fields)).load(path);
      }
    }
    return inferred;
  }

  /**
   * Which data a dataset holds, as far as can be told without reading it again: the files Spark
   * reads it from (every file under a path, with globs resolved and hidden files left out, as
   * Spark lists them), each with its size and modification time. New data written to the same
   * path changes it. A dataset not read from files (built in memory, JDBC) has no listing: its
   * identity is {@link Identity#NOT_FILES}, and only its row count tells it apart.
   *
   * @throws DataException when the files cannot be listed
   */
  public static Identity identity(Dataset<Row> data) {
    String[] files = data.inputFiles();
    if (files.length == 0) {
      return Identity.NOT_FILES;
    }
    Configuration conf = data.sparkSession().sparkContext().hadoopConfiguration();
    Map<Path, Map<String, Path>> byDirectory = new HashMap<>();
    for (String file : files) {
      Path p = new Path(URI.create(file));
      byDirectory.computeIfAbsent(p.getParent(), d -> new HashMap<>()).put(p.getName(), p);
    }
    TreeMap<String, long[]> listing = new TreeMap<>(); // path → size, modification time
    for (Map.Entry<Path, Map<String, Path>> dir : byDirectory.entrySet()) {
      try {
        FileSystem fs = dir.getKey().getFileSystem(conf);
        for (FileStatus status : fs.listStatus(dir.getKey())) {
          if (dir.getValue().containsKey(status.getPath().getName())) {
            listing.put(dir.getValue().get(status.getPath().getName()).toString(),
                new long[] {status.getLen(), status.getModificationTime()});
          }
        }
      } catch (IOException e) {
        throw new DataException("cannot list the files of the data in " + dir.getKey() + ": " + Causes.firstLine(e));
      }
      for (Path p : dir.getValue().values()) {
        listing.putIfAbsent(p.toString(), new long[] {-1, -1}); // gone since Spark listed it
      }
    }
    long bytes = 0;
    long newest = 0;
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Map.Entry<String, long[]> f : listing.entrySet()) {
      bytes += Math.max(0, f.getValue()[0]);
      newest = Math.max(newest, f.getValue()[1]);
      sha.update((f.getKey() + "\t" + f.getValue()[0] + "\t" + f.getValue()[1] + "\n").getBytes(StandardCharsets.UTF_8));
    }
    StringBuilder hex = new StringBuilder();
    byte[] hash = sha.digest();
    for (int i = 0; i < 8; i++) {
      hex.append(String.format("%02x", hash[i]));
    }
    return new Identity(listing.size(), bytes, newest, hex.toString());
  }

  /**
   * The files a dataset was read from: how many, their total size, the newest modification time
   * (epoch ms) and a hash of every file's path, size and modification time.
   */
  public record Identity(int files, long bytes, long newestModified, String listingHash) {
    /** A dataset that was not read from files. */
    public static final Identity NOT_FILES = new Identity(0, 0, 0, "");

    /** {@code 3 files, 1048576 bytes, newest modified 2026-12-01T10:00:00Z, listing 1a2b3c4d5e6f7a8b}. */
    @Override
    public String toString() {
      if (files == 0) {
        return "not read from files";
      }
      return files + (files == 1 ? " file, " : " files, ") + bytes + " bytes, newest modified "
          + Instant.ofEpochMilli(newestModified) + ", listing " + listingHash;
    }
  }

  private void checkExists(SparkSession spark, String what) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        // a relative path is read from the current directory: say which, so a run from elsewhere is plain
        String where = p.isAbsolute() || p.toUri().getScheme() != null ? ""
            : "; a relative path, looked for as " + fs.makeQualified(p);
        throw new DataException(what + " not found: " + path + " (" + configKey + where + ")");
      }
    } catch (IOException e) {
      throw new DataException("cannot read " + what + " at " + path + " (" + configKey + "): " + Causes.firstLine(e));
    }
  }
}
