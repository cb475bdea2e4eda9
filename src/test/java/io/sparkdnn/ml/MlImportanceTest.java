package io.sparkdnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.engine.Seeds;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.scoring.ImportanceSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@code model.featureImportance(data)} on a pipeline's output: a one-hot encoded column
 * (StringIndexer → OneHotEncoder → VectorAssembler) is one unit — its slots shuffled together —
 * because the features column's ML attribute metadata names the slots and the pipeline's output
 * keeps the source column. The data: colour ∈ {red, green, blue, grey} shifts the label by
 * +1.5, −1.5, +0.5, −0.5; x carries it with weight 1; n1 and n2 are noise; label = 1 when
 * shift + x + noise (σ 0.2) > 0.
 */
class MlImportanceTest {
  @Test
  void aOneHotEncodedColumnIsOneUnit() {
    Dataset<Row> data = data(4000, 5);
    PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCol("colour").setOutputCol("colourIndex"),
        new OneHotEncoder().setInputCols(new String[] {"colourIndex"}).setOutputCols(new String[] {"colourVec"}),
        new VectorAssembler().setInputCols(new String[] {"colourVec", "x", "n1", "n2"}).setOutputCol("features"),
        new DnnClassifier().setHiddenLayers("16relu").setEpochs(15).setLearningRate(0.01).setSeed(3)}).fit(data);
    DnnClassificationModel model = (DnnClassificationModel) pipeline.stages()[3];
    Dataset<Row> scored = pipeline.transform(data);

    FeatureImportance fi = model.featureImportance(scored, ImportanceSettings.builder().repeats(3).build());
    Set<String> names = new TreeSet<>();
    fi.units().forEach(u -> names.add(u.name()));
    assertEquals(Set.of("colourVec", "n1", "n2", "x"), names, fi.grouping());
    assertArrayEquals(new int[] {0, 1, 2}, fi.unit("colourVec").slots(), "three one-hot slots (the last dropped)");
    assertTrue(fi.grouping().contains("1 group(s)"), fi.grouping());
    assertEquals(Set.of("colourVec", "x"), Set.of(fi.units().get(0).name(), fi.units().get(1).name()));
    assertTrue(fi.baseline() > 0.9, "baseline " + fi.baseline());
    for (String noise : List.of("n1", "n2")) {
      assertTrue(Math.abs(fi.unit(noise).mean()) < 0.01, noise + " " + fi.unit(noise).mean());
    }
    assertTrue(fi.unit("colourVec").mean() > 0.1, "colour " + fi.unit("colourVec").mean());

    FeatureImportance slots = model.featureImportance(scored,
        ImportanceSettings.builder().repeats(1).groups(false).build());
    List<String> slotNames = new ArrayList<>();
    slots.units().forEach(u -> slotNames.add(u.name()));
    assertEquals(6, slotNames.size(), slotNames.toString());
    assertTrue(slotNames.contains("colourVec_red") && slotNames.contains("x"), slotNames.toString());
  }

  private static Dataset<Row> data(int n, long seed) {
    String[] colours = {"red", "green", "blue", "grey"};
    double[] shift = {1.5, -1.5, 0.5, -0.5};
    SplittableRandom random = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int c = random.nextInt(4);
      double x = Seeds.gaussian(random);
      double label = shift[c] + x + 0.2 * Seeds.gaussian(random) > 0 ? 1 : 0;
      rows.add(RowFactory.create(colours[c], x, Seeds.gaussian(random), Seeds.gaussian(random), label));
    }
    StructType schema = new StructType().add("colour", DataTypes.StringType).add("x", DataTypes.DoubleType)
        .add("n1", DataTypes.DoubleType).add("n2", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
    return SparkTestSession.get().createDataFrame(rows, schema);
  }
}
