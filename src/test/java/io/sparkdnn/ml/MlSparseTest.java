package io.sparkdnn.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.SparseTestData;
import io.sparkdnn.data.DataLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.Tokenizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark ML estimators take sparse vectors (Tokenizer + HashingTF) through the same trainer. */
class MlSparseTest {
  @TempDir Path dir;

  /** Generated documents as text: word k is "wk". */
  private static Dataset<Row> text(SparkSession spark, int rows, long seed) {
    List<Row> out = new ArrayList<>();
    for (SparseTestData.Document d : SparseTestData.generate(rows, 4, 2000, 8, seed)) {
      StringBuilder s = new StringBuilder();
      for (int k = 0; k < d.indices.length; k++) {
        for (int c = 0; c < (int) d.values[k]; c++) {
          s.append(" w").append(d.indices[k]);
        }
      }
      out.add(RowFactory.create(d.id, (double) d.label, s.toString().trim()));
    }
    return spark.createDataFrame(out, new StructType().add("id", DataTypes.IntegerType)
        .add("label", DataTypes.DoubleType).add("text", DataTypes.StringType));
  }

  @Test
  void aHashingTfPipelineFitsTransformsSavesAndLoads() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new Tokenizer().setInputCol("text").setOutputCol("words"),
        new HashingTF().setInputCol("words").setOutputCol("features").setNumFeatures(1 << 14),
        new DnnClassifier().setHiddenLayers("16relu").setEpochs(6).setSeed(3)});
    PipelineModel model = pipeline.fit(text(spark, 2500, 1));
    DnnClassificationModel dnn = (DnnClassificationModel) model.stages()[2];
    assertEquals(DataLayout.SPARSE, dnn.dnnModel().columns().layout(), "HashingTF's vectors are trained sparse");
    assertEquals(1 << 14, dnn.dnnModel().spec().inputWidth());
    Dataset<Row> test = text(spark, 800, 2);
    Dataset<Row> predicted = model.transform(test).cache();
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predicted);
    assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    String path = dir.resolve("pipeline").toString();
    model.write().save(path);
    Dataset<Row> again = PipelineModel.load(path).transform(test);
    assertEquals(0, predicted.select("id", "prediction").except(again.select("id", "prediction")).count(),
        "the loaded pipeline predicts the same classes");
    predicted.unpersist();
  }
}
