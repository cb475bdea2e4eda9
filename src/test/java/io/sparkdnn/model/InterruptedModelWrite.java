package io.sparkdnn.model;

import io.sparkdnn.files.FaultyFileSystem;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Run in a separate JVM by {@link ModelReplacementTest}: replaces the model at {@code args[1]}
 * with one created "new", and stops for good at the point {@code args[0]} names, so that the test
 * can kill it there — as a kill, a lost node or an OOM killer would.
 *
 * <ul>
 *   <li>{@code training}: the staging directory is open and has metrics.jsonl;
 *   <li>{@code between-renames}: the old model is renamed away, the new one not yet into place;
 *   <li>{@code before-delete}: the new model is in place, the old copy not yet deleted.
 * </ul>
 */
public final class InterruptedModelWrite {
  private InterruptedModelWrite() {}

  public static void main(String[] args) {
    String stage = args[0];
    Path target = Path.of(args[1]);
    Configuration conf = FaultyFileSystem.configuration();
    switch (stage) {
      case "between-renames":
        FaultyFileSystem.pauseRenames(p -> p[0].getName().contains(".staging-") && p[1].getName()
            .equals(target.getFileName().toString()));
        break;
      case "before-delete":
        FaultyFileSystem.pauseDeletes(p -> p.getName().contains(".old-"));
        break;
      case "training":
        break;
      default:
        throw new IllegalArgumentException(stage);
    }
    ModelWriter writer = ModelWriter.open(FaultyFileSystem.uri(target), true, conf, "model.path");
    writer.writeMetrics(List.of("{\"epoch\":1}"));
    if (stage.equals("training")) {
      while (true) {
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          // only a kill ends this
        }
      }
    }
    writer.commit(GoldenModels.v1().withRecord(TrainingRecord.created("new")));
    throw new IllegalStateException("the write was not stopped at " + stage);
  }
}
