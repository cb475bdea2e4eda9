package io.sparkdnn.train;

import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.BlockPacker;
import io.sparkdnn.data.ColumnResolver;
import io.sparkdnn.data.DataLayout;
import io.sparkdnn.data.DataProfile;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.data.PackedData;
import io.sparkdnn.data.PackingOptions;
import io.sparkdnn.data.RowConverter;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.results.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * For the sparse benchmark: trains packed sparse rows with the distributed trainer directly, so
 * that what the trainer does not let a user choose can be measured — each partition shipping all
 * first-layer rows instead of the touched ones, and another first-layer initialisation.
 */
public final class SparseRoundsProbe {
  private final JavaSparkContext sc;
  private final PackedData packed;
  private final FeatureScaling scaling;
  private final String[] classes;

  /** Packs {@code data}'s {@code features} sparse against the string labels {@code label}, 2 partitions. */
  public SparseRoundsProbe(Dataset<Row> data, String features, String label, int partitions, NetworkSpec spec) {
    this.sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
    InputColumns columns = ColumnResolver.resolve(data, List.of(features), List.of(label), List.of(), Task.MULTICLASS,
        "probe").withLayout(DataLayout.SPARSE);
    List<String> names = new ArrayList<>();
    for (Row r : data.select(label).distinct().collectAsList()) {
      names.add(r.getString(0));
    }
    LabelIndex labels = LabelIndex.forClasses(false, names.toArray(new String[0]), spec.outputWidth(), false);
    this.classes = labels.labels();
    RowConverter converter = new RowConverter(columns, Task.MULTICLASS, labels, 1);
    this.packed = BlockPacker.pack(ColumnResolver.selectForPacking(data, columns), converter,
        PackingOptions.training(partitions, 8192, 0.1, 42, BadRowPolicy.FAIL), "probe");
    DataProfile profile = packed.training().treeAggregate(new DataProfile(Task.MULTICLASS, classes.length),
        DataProfile::add, DataProfile::merge, 2);
    this.scaling = FeatureScaling.fitForSparseRows(ScalingMode.AUTO, profile.features(), spec.inputWidth());
  }

  /** What one training run measured. */
  public record Run(List<EpochMetrics> epochs, double validationAccuracy, long lastRoundResultBytes) {}

  /**
   * Trains from {@code initial} (canonical weights), with each partition returning all first-layer
   * rows when {@code shipAllRows}.
   */
  public Run train(TrainingConfig config, float[] initial, boolean shipAllRows) {
    List<EpochMetrics> epochs = new ArrayList<>();
    DistributedTrainer trainer = new DistributedTrainer(sc, config).shipAllFirstLayerRows(shipAllRows);
    TrainingResult result = trainer.train(packed, scaling, TargetScaling.none(1), null, classes, initial, null,
        (m, s) -> epochs.add(m));
    return new Run(epochs, result.validationMetrics().accuracy(), trainer.lastRoundResultBytes());
  }

  /** Non-zeros per row, and the rows: for the report. */
  public PackedData packed() {
    return packed;
  }

  public void release() {
    packed.release();
  }
}
