package io.sparkdnn.ml;

import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.model.ModelWriter;
import java.util.function.BiFunction;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;

/**
 * Saving and loading the ML models in Spark ML's layout — {@code PATH/metadata} with the class,
 * uid and params, written by Spark's own helper so that Pipeline and CrossValidator models load
 * them like their own — with the model directory of the project's format in {@code PATH/dnn}.
 */
final class MlPersistence {
  static final String MODEL_DIR = "dnn";

  private MlPersistence() {}

  static MLWriter writer(Params instance, DnnModel model) {
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession());
        ModelWriter.open(path + "/" + MODEL_DIR, false, sparkSession().sparkContext().hadoopConfiguration(),
            "save path").commit(model);
      }
    };
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
