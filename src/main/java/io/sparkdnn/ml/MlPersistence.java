package io.sparkdnn.ml;

import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.model.ModelWriter;
import java.util.function.BiFunction;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.GeneralMLWriter;
import org.apache.spark.ml.util.MLReader;

/**
 * Saving and loading the ML models in Spark ML's layout — {@code PATH/metadata} with the class,
 * uid and params, written by Spark's own helper so that Pipeline and CrossValidator models load
 * them like their own — with the model directory of the project's format in {@code PATH/dnn}.
 *
 * <p>The writer is Spark's {@link GeneralMLWriter}, so {@code write().format(NAME)} picks another
 * format registered through {@code org.apache.spark.ml.util.MLFormatRegister}: "onnx" is
 * {@link OnnxModelWriter}. The default format ("internal") is written here.
 */
final class MlPersistence {
  static final String MODEL_DIR = "dnn";

  private MlPersistence() {}

  static GeneralMLWriter writer(DnnPredictionModel<?> instance, DnnModel model) {
    return new Writer(instance, model);
  }

  /** Spark ML's writer with formats; the default one, "internal", is the layout described above. */
  private static final class Writer extends GeneralMLWriter {
    private static final String INTERNAL = "internal";
    private final Params instance;
    private final DnnModel model;
    private String format = INTERNAL;

    Writer(DnnPredictionModel<?> instance, DnnModel model) {
      super(instance);
      this.instance = instance;
      this.model = model;
    }

    @Override
    public GeneralMLWriter format(String source) {
      super.format(source);
      this.format = source;
      return this;
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
      DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
      ModelWriter.open(path + "/" + MODEL_DIR, false, sparkSession().sparkContext().hadoopConfiguration(),
          "save path").commit(model);
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E rethrow(Exception e) throws E {
    throw (E) e;
  }

  static <T extends Params> MLReader<T> reader(Class<T> type, BiFunction<String, DnnModel, T> create) {
    return new MLReader<T>() {
      @Override
      public T load(String path) {
        DefaultParamsReader.Metadata metadata =
            DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(), type.getName());
        DnnModel model = ModelReader.read(path + "/" + MODEL_DIR,
            sparkSession().sparkContext().hadoopConfiguration(), "load path");
        T instance = create.apply(metadata.uid(), model);
        metadata.getAndSetParams(instance, scala.Option.empty());
        return instance;
      }
    };
  }
}
