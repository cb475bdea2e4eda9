package io.sparkdnn.cli;

import io.sparkdnn.files.Causes;
import io.sparkdnn.files.PosixLocalFileSystem;
import io.sparkdnn.job.ConfigException;
import io.sparkdnn.job.ExportFormat;
import io.sparkdnn.job.ExportJob;
import io.sparkdnn.job.JobConfig;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Exports a model to a file that runs without Spark: {@code dnn export --model DIR --format onnx
 * --output FILE [--overwrite]}. The options are shorthands for the export.* keys (which --conf and
 * --set take too). Files only, no Spark job.
 */
@Command(name = "export", description = "Export a model (export.model) as one file that runs without Spark "
    + "(export.format: onnx) to export.output.")
final class ExportCommand implements Callable<Integer> {
  @Mixin CommonOptions options;

  @Option(names = "--model", paramLabel = "DIR", description = "Model directory (export.model)")
  String model;

  @Option(names = "--format", paramLabel = "FORMAT", description = "onnx (export.format)")
  String format;

  @Option(names = "--output", paramLabel = "FILE", description = "File to write, e.g. model.onnx (export.output)")
  String output;

  @Option(names = "--overwrite", description = "Replace an existing output file (export.overwrite)")
  boolean overwrite;

  @Override
  public Integer call() {
    options.shorthand("--model", "export.model", model);
    if (format != null) {
      try {
        ExportFormat.fromToken(format);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--format: " + Causes.firstLine(e));
      }
    }
    options.shorthand("--format", "export.format", format);
    options.shorthand("--output", "export.output", output);
    if (overwrite) {
      options.overrides.add("export.overwrite=true");
    }
    JobConfig config = options.config();
    ExportJob.Result result = new ExportJob(config).run(PosixLocalFileSystem.install(new Configuration()));
    options.out().println(String.format(Locale.ROOT, "exported %s (%s, %s) to %s (%s, %,d bytes)",
        result.model(), result.network(), result.task().token(), result.output(), result.format().token(),
        result.bytes()));
    return 0;
  }
}
