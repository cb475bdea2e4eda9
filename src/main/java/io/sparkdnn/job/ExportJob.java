package io.sparkdnn.job;

import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.model.OnnxExport;
import io.sparkdnn.model.StagedFile;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Exports a model directory to a file another runtime serves ({@code export} section): reads the
 * model from any Hadoop filesystem, converts it, and writes the file via a hidden staging file
 * renamed into place. Files only, no Spark job.
 */
public final class ExportJob {
  private final JobConfig.ExportSettings settings;

  /** What an export wrote. */
  public record Result(String model, String output, ExportFormat format, long bytes, NetworkSpec network, Task task) {}

  /** @throws ConfigException when the model or the output is not configured */
  public ExportJob(JobConfig job) {
    this.settings = job.export();
    JobConfig.require(settings.model(), "export.model");
    JobConfig.require(settings.output(), "export.output");
  }

  /**
   * Reads the model and writes the exported file.
   *
   * @throws io.sparkdnn.model.ModelFormatException when export.model is not a readable model
   * @throws IllegalArgumentException when the format cannot represent the model (the message says
   *     what would be needed)
   * @throws IllegalStateException when export.output exists and export.overwrite is false
   */
  public Result run(Configuration hadoop) {
    DnnModel model = ModelReader.read(settings.model(), hadoop, "export.model");
    byte[] bytes;
    switch (settings.format()) {
      case ONNX:
        bytes = OnnxExport.bytes(model, new Path(settings.model()).getName());
        break;
      default:
        throw new AssertionError(settings.format());
    }
    StagedFile.write(settings.output(), bytes, settings.overwrite(), hadoop, "export.output",
        "set export.overwrite = true (--overwrite)");
    return new Result(settings.model(), settings.output(), settings.format(), bytes.length, model.spec(),
        model.task());
  }
}
