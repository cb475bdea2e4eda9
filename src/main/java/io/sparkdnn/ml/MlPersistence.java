package io.sparkdnn.ml;

import io.sparkdnn.files.Causes;
import io.sparkdnn.files.PosixLocalFileSystem;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelFormat;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.model.ModelWriter;
import io.sparkdnn.model.StagedFile;
import io.sparkdnn.results.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import java.util.function.BiFunction;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.GeneralMLWriter;
import org.apache.spark.ml.util.MLReader;

/**
 * Saving and loading the ML models in Spark ML's layout — {@code PATH/metadata} with the class,
 * uid and params, written by Spark's own helper so that Pipeline and CrossValidator models load
 * them like their own — with the model directory of the project's format in {@code PATH/dnn} and
 * the training summary, when the model has one, in {@code PATH/summary.json}.
 *
 * <p>The writer is Spark's {@link GeneralMLWriter}, so {@code write().format(NAME)} picks another
 * format registered through {@code org.apache.spark.ml.util.MLFormatRegister}: "onnx" is
 * {@link OnnxModelWriter}. The default format ("internal") is written here.
 */
final class MlPersistence {
  static final String MODEL_DIR = "dnn";

  private MlPersistence() {}

  static final String SUMMARY_FILE = "summary.json";

  static GeneralMLWriter writer(PipelineStage instance, FittedNetwork fitted) {
    return new Writer(instance, fitted);
  }

  /** Spark ML's writer with formats; the default one, "internal", is the layout described above. */
  private static final class Writer extends GeneralMLWriter {
    private static final String INTERNAL = "internal";
    private final Params instance;
    private final FittedNetwork fitted;
    private String format = INTERNAL;

    Writer(PipelineStage instance, FittedNetwork fitted) {
      super(instance);
      this.instance = instance;
      this.fitted = fitted;
    }

    @Override
    public GeneralMLWriter format(String source) {
      super.format(source);
      this.format = source;
      return this;
    }

    /**
     * As Spark's, except that {@code overwrite()} replaces only a model saved here before (a
     * directory holding {@value MlPersistence#MODEL_DIR}/metadata.json), or an empty directory:
     * Spark's writer deletes whatever is at the path, so a mistyped path took the user's files with it.
     *
     * @throws IllegalArgumentException when overwrite is set and the path holds anything else
     */
    @Override
    public void save(String path) throws IOException {
      if (shouldOverwrite() && INTERNAL.equalsIgnoreCase(format)) {
        String foreign = notAModel(new Path(path), sparkSession().sparkContext().hadoopConfiguration());
        if (foreign != null) {
          throw new IllegalArgumentException("save path " + path + " holds " + foreign + ", not a saved spark-dnn "
              + "model; write().overwrite() replaces only a model saved there before: choose another path, or "
              + "move those files away first");
        }
      }
      super.save(path);
    }

    @Override
    public void saveImpl(String path) {
      if (!INTERNAL.equalsIgnoreCase(format)) {
        try {
          super.saveImpl(path); // finds the MLFormatRegister of this format and stage class
        } catch (Exception e) {
          // Spark declares IOException and SparkException here, which MLWriter.saveImpl (what Java
          // sees us override) does not; rethrown unchanged, as Scala callers expect them.
          throw MlPersistence.<RuntimeException>rethrow(e);
        }
        return;
      }
      DnnModel model = fitted.model(instance);
      Configuration hadoop = ourFiles(sparkSession());
      DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
      ModelWriter.open(path + "/" + MODEL_DIR, false, hadoop, "save path").commit(model);
      if (fitted.summary() != null) {
        StagedFile.write(path + "/" + SUMMARY_FILE, Json.line(fitted.summary().toJson()).getBytes(StandardCharsets.UTF_8),
            false, hadoop, "save path", "use write().overwrite()");
      }
    }
  }

  /** The Hadoop configuration for the files spark-dnn writes: see {@link PosixLocalFileSystem#forSession}. */
  static Configuration ourFiles(org.apache.spark.sql.SparkSession session) {
    return PosixLocalFileSystem.forSession(session.sparkContext().hadoopConfiguration(), session.sparkContext().master());
  }

  /**
   * What makes {@code path} something other than a saved model that overwrite may replace, for the
   * message ({@code a file}, {@code keep.txt, data/}), or null when it is one, is empty, or is not there.
   */
  static String notAModel(Path path, Configuration hadoop) throws IOException {
    FileSystem fs = path.getFileSystem(hadoop);
    org.apache.hadoop.fs.FileStatus status;
    try {
      status = fs.getFileStatus(path);
    } catch (java.io.FileNotFoundException e) {
      return null;
    }
    if (!status.isDirectory()) {
      return "a file";
    }
    if (fs.exists(new Path(new Path(path, MODEL_DIR), ModelFormat.METADATA))) {
      return null;
    }
    org.apache.hadoop.fs.FileStatus[] entries = fs.listStatus(path);
    if (entries.length == 0) {
      return null;
    }
    java.util.List<String> names = new java.util.ArrayList<>();
    for (org.apache.hadoop.fs.FileStatus e : entries) {
      names.add(e.getPath().getName() + (e.isDirectory() ? "/" : ""));
    }
    java.util.Collections.sort(names);
    return String.join(", ", names.subList(0, Math.min(3, names.size()))) + (names.size() > 3 ? ", …" : "");
  }

  /** PATH/summary.json, or null when the model was saved without one. */
  private static DnnTrainingSummary readSummary(String path, Configuration hadoop) {
    Path file = new Path(path, SUMMARY_FILE);
    try {
      FileSystem fs = file.getFileSystem(hadoop);
      if (!fs.exists(file)) {
        return null;
      }
      try (InputStream in = fs.open(file)) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return DnnTrainingSummary.fromJson(Json.parse(text, file.toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the training summary " + file + ": " + Causes.firstLine(e), e);
    }
  }

  /**
   * Whether the model was saved with its training params (since fitted models carry them): its
   * metadata's params or default params name {@code epochs}.
   */
  private static boolean savedWithTrainingParams(DefaultParamsReader.Metadata metadata) {
    com.fasterxml.jackson.databind.JsonNode root = Json.parse(metadata.metadataJson(), "model metadata");
    return root.path("paramMap").has("epochs") || root.path("defaultParamMap").has("epochs");
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E rethrow(Exception e) throws E {
    throw (E) e;
  }

  /**
   * Spark ML's reader of the layout above: the metadata's params, the model directory, and the
   * training summary when it was saved.
   *
   * @throws io.sparkdnn.model.ModelFormatException when the model directory or summary is damaged
   */
  static <T extends Params> MLReader<T> reader(Class<T> type, BiFunction<String, FittedNetwork, T> create) {
    return new MLReader<T>() {
      @Override
      public T load(String path) {
        DefaultParamsReader.Metadata metadata =
            DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), type.getName());
        Configuration hadoop = sparkSession().sparkContext().hadoopConfiguration();
        DnnModel model = ModelReader.read(path + "/" + MODEL_DIR, hadoop, "load path");
        T instance = create.apply(metadata.uid(), new FittedNetwork(model, readSummary(path, hadoop)));
        metadata.getAndSetParams(instance, scala.Option.empty());
        if (instance instanceof HasTrainingParams && !savedWithTrainingParams(metadata)) {
          ((HasTrainingParams) instance).trainingParams().setFromRecord(instance, model.record().configuration());
        }
        return instance;
      }
    };
  }
}
