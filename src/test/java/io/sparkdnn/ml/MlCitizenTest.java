package io.sparkdnn.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.TestData;
import io.sparkdnn.data.SyntheticData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.MultilabelClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.ml.param.ParamMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ML models next to MLlib's own: Spark's evaluators read their output and agree with
 * {@code evaluate}; the single-row methods agree with {@code transform}; thresholds, a changed
 * featuresCol, streaming, saved summaries, the validation indicator, and Spark Connect's way of
 * finding stages and setting params by name.
 */
class MlCitizenTest {
  @TempDir static Path dir;
  static SparkSession spark;
  /** Half-moons as features (vector), label (0/1 double), w (row weight 0.5…2.5) and id. */
  static Dataset<Row> binary;
  static DnnClassificationModel binaryModel;
  /** Four overlapping blobs: features (array of floats), label (int 0..3), id. */
  static Dataset<Row> blobs;
  static DnnClassificationModel blobsModel;

  @BeforeAll
  static void fit() {
    spark = SparkTestSession.get();
    Dataset<Row> moons = SyntheticData.binary(spark, 2000, 21)
        .withColumn("id", functions.monotonically_increasing_id())
        .withColumn("w", expr("0.5 + pmod(id, 5) * 0.5"));
    Dataset<Row> indexed = new StringIndexer().setInputCol("label").setOutputCol("labelIndex")
        .setStringOrderType("alphabetAsc").fit(moons).transform(moons);
    binary = new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"})
        .setOutputCol("features").transform(indexed)
        .select(col("id"), col("features"), col("labelIndex").as("label"), col("w")).cache();
    binaryModel = new DnnClassifier().setHiddenLayers("16tanh").setEpochs(20).setLearningRate(0.01).setSeed(5)
        .setWeightCol("w")
        .fit(binary);
    blobs = TestData.blobs(spark, 2000, 4, 3, 17, 2).cache();
    blobsModel = new DnnClassifier().setHiddenLayers("16relu").setEpochs(5).setSeed(6).fit(blobs);
  }

  private static Vector vector(Object features) {
    if (features instanceof Vector) {
      return (Vector) features;
    }
    List<?> values = scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) features);
    double[] d = new double[values.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = ((Number) values.get(i)).doubleValue();
    }
    return Vectors.dense(d);
  }

  /** rawPrediction holds the logits; softmax of them is probability; predictRaw/predictProbability/predict agree. */
  @Test
  void rawPredictionIsTheLogitsAndTheSingleRowMethodsAgreeWithTransform() {
    assertEquals(4, blobsModel.numClasses());
    assertEquals(3, blobsModel.numFeatures());
    List<Row> rows = blobsModel.transform(blobs).select("features", "rawPrediction", "probability", "prediction")
        .limit(50).collectAsList();
    for (Row r : rows) {
      Vector raw = (Vector) r.get(1);
      Vector probability = (Vector) r.get(2);
      Vector features = vector(r.get(0));
      assertArrayEquals(probability.toArray(), blobsModel.raw2probability(raw).toArray(), 1e-6);
      assertArrayEquals(raw.toArray(), blobsModel.predictRaw(features).toArray(), 1e-5);
      assertArrayEquals(probability.toArray(), blobsModel.predictProbability(features).toArray(), 1e-6);
      assertEquals(r.getDouble(3), blobsModel.predict(features));
      assertEquals(r.getDouble(3), (double) probability.argmax());
    }
  }

  /** Spark's BinaryClassificationEvaluator on rawPrediction gives the AUC that evaluate() (and dnn evaluate) computes. */
  @Test
  void sparksBinaryEvaluatorAgreesWithEvaluateOnAuc() {
    Dataset<Row> out = binaryModel.transform(binary);
    double sparkRoc = new BinaryClassificationEvaluator().setRawPredictionCol("rawPrediction").setWeightCol("w")
        .setMetricName("areaUnderROC").evaluate(out);
    double sparkPr = new BinaryClassificationEvaluator().setRawPredictionCol("rawPrediction").setWeightCol("w")
        .setMetricName("areaUnderPR").evaluate(out);
    DnnEvaluationSummary own = binaryModel.evaluate(binary);
    assertTrue(sparkRoc > 0.9, "AUC " + sparkRoc);
    // ours bins the scores (1024 bins of probability); Spark sorts them: equal to the third decimal
    assertEquals(sparkRoc, own.areaUnderROC(), 2e-3);
    assertEquals(sparkPr, own.areaUnderPR(), 1e-2);
  }

  /** MulticlassClassificationEvaluator with weightCol: accuracy, weighted F1 and log loss as evaluate() has them. */
  @Test
  void sparksMulticlassEvaluatorWithWeightsAgreesWithEvaluate() {
    Dataset<Row> out = binaryModel.transform(binary);
    DnnEvaluationSummary own = binaryModel.evaluate(binary);
    assertEquals("w", own.weightCol());
    MulticlassClassificationEvaluator spark = new MulticlassClassificationEvaluator().setWeightCol("w");
    assertEquals(spark.setMetricName("accuracy").evaluate(out), own.accuracy(), 1e-9);
    assertEquals(spark.setMetricName("f1").evaluate(out), own.weightedFMeasure(), 1e-9);
    assertEquals(spark.setMetricName("weightedPrecision").evaluate(out), own.weightedPrecision(), 1e-9);
    assertEquals(spark.setMetricName("logLoss").evaluate(out), own.loss(), 1e-4);
    double unweighted = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(out);
    assertNotEquals(unweighted, own.accuracy(), "the weights change the accuracy");
    assertEquals(unweighted, binaryModel.copy(new org.apache.spark.ml.param.ParamMap()).setWeightCol("")
        .evaluate(binary).accuracy(), 1e-9);
  }

  /** With thresholds, the class maximising p/t wins, as in Spark's probabilistic classifiers. */
  @Test
  void thresholdsChooseTheClassMaximisingProbabilityOverThreshold() {
    DnnClassificationModel shifted = blobsModel.copy(new org.apache.spark.ml.param.ParamMap())
        .setThresholds(new double[] {0.05, 1, 1, 1});
    List<Row> rows = shifted.transform(blobs).select("probability", "prediction").collectAsList();
    long zeros = 0;
    for (Row r : rows) {
      double[] p = ((Vector) r.get(0)).toArray();
      double[] t = {0.05, 1, 1, 1};
      int best = 0;
      for (int j = 1; j < p.length; j++) {
        best = p[j] / t[j] > p[best] / t[best] ? j : best;
      }
      assertEquals(best, r.getDouble(1));
      zeros += best == 0 ? 1 : 0;
    }
    long zerosBefore = blobsModel.transform(blobs).where("prediction = 0").count();
    assertTrue(zeros > zerosBefore, zeros + " rows of class 0 with its low threshold, " + zerosBefore + " without");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> blobsModel.copy(new org.apache.spark.ml.param.ParamMap()).setThresholds(new double[] {0.5, 0.5})
            .transform(blobs));
    assertTrue(e.getMessage().contains("non-matching numClasses and thresholds.length"), e.getMessage());
  }

  /** A fitted model reads the featuresCol it is given now, as a vector or an array. */
  @Test
  void aModelReadsTheFeaturesColumnSetAfterFitting() {
    List<Row> expected = blobsModel.transform(blobs).orderBy("id").select("prediction", "probability").collectAsList();
    Dataset<Row> renamed = blobs.withColumnRenamed("features", "pixels")
        .withColumn("asVector", org.apache.spark.ml.functions.array_to_vector(col("pixels")));
    DnnClassificationModel model = blobsModel.copy(new org.apache.spark.ml.param.ParamMap());
    assertEquals(expected, model.setFeaturesCol("pixels").transform(renamed).orderBy("id")
        .select("prediction", "probability").collectAsList());
    List<Row> fromVector = model.setFeaturesCol("asVector").transform(renamed).orderBy("id")
        .select("prediction", "probability").collectAsList();
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).getDouble(0), fromVector.get(i).getDouble(0));
      assertArrayEquals(((Vector) expected.get(i).get(1)).toArray(), ((Vector) fromVector.get(i).get(1)).toArray(), 1e-6);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.setFeaturesCol("features").transform(renamed));
    assertTrue(e.getMessage().contains("featuresCol 'features' not found"), e.getMessage());
  }

  /**
   * transform on a streaming DataFrame (file source, run to completion with Trigger.AvailableNow):
   * a transform that ran a Spark job of its own would be refused on a stream.
   */
  @Test
  void transformRunsOnAStreamingDataFrame() throws Exception {
    String input = dir.resolve("stream-in").toString();
    blobs.write().parquet(input);
    Dataset<Row> stream = spark.readStream().schema(blobs.schema()).parquet(input);
    assertTrue(stream.isStreaming());
    Dataset<Row> scored = blobsModel.transform(stream);
    assertTrue(scored.isStreaming(), "transform stays a streaming plan");
    StreamingQuery query = scored.select("id", "prediction", "probability").writeStream().format("memory")
        .queryName("dnn_stream_out").trigger(Trigger.AvailableNow())
        .option("checkpointLocation", dir.resolve("stream-checkpoint").toString()).start();
    query.awaitTermination();
    assertTrue(query.exception().isEmpty(), () -> query.exception().get().toString());
    List<Row> streamed = spark.table("dnn_stream_out").orderBy("id").collectAsList();
    List<Row> batch = blobsModel.transform(blobs).select("id", "prediction", "probability").orderBy("id")
        .collectAsList();
    assertEquals(batch.size(), streamed.size());
    for (int i = 0; i < batch.size(); i++) {
      assertEquals(batch.get(i).getInt(0), streamed.get(i).getInt(0));
      assertEquals(batch.get(i).getDouble(1), streamed.get(i).getDouble(1), "prediction of row " + i);
      assertArrayEquals(((Vector) batch.get(i).get(2)).toArray(), ((Vector) streamed.get(i).get(2)).toArray(), 1e-6);
    }
  }

  /** The training summary is saved with the model and comes back with it. */
  @Test
  void theTrainingSummaryIsSavedAndLoadedWithTheModel() throws Exception {
    String path = dir.resolve("binary-model").toString();
    binaryModel.write().save(path);
    DnnClassificationModel loaded = DnnClassificationModel.load(path);
    assertTrue(loaded.hasSummary());
    DnnTrainingSummary before = binaryModel.summary();
    DnnTrainingSummary after = loaded.summary();
    assertEquals(before.totalIterations(), after.totalIterations());
    assertArrayEquals(before.objectiveHistory(), after.objectiveHistory(), 1e-12);
    assertArrayEquals(before.validationLossHistory(), after.validationLossHistory(), 1e-12);
    assertEquals(before.bestEpoch(), after.bestEpoch());
    assertEquals(before.stopReason(), after.stopReason());
    assertEquals(before.validationMetrics().accuracy(), after.validationMetrics().accuracy(), 1e-12);
    assertEquals("w", loaded.getWeightCol());
    assertEquals(binaryModel.transform(binary).select("probability").collectAsList(),
        loaded.transform(binary).select("probability").collectAsList());
  }

  /** validationIndicatorCol: its true rows are the validation rows, the rest train. */
  @Test
  void theValidationIndicatorColumnChoosesTheValidationRows() {
    Dataset<Row> marked = blobs.withColumn("isValidation", expr("id % 4 = 0"));
    DnnClassificationModel model = new DnnClassifier().setHiddenLayers("8relu").setEpochs(2)
        .setValidationIndicatorCol("isValidation").fit(marked);
    assertEquals(marked.where("isValidation").count(), model.summary().validationMetrics().rows());
    assertEquals(marked.where("not isValidation").count(), model.summary().epochs().get(0).trainRows());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DnnClassifier().setValidationIndicatorCol("id").fit(marked));
    assertTrue(e.getMessage().contains("validationIndicatorCol 'id' has type int; expected boolean"), e.getMessage());
    io.sparkdnn.data.DataException all = assertThrows(io.sparkdnn.data.DataException.class,
        () -> new DnnClassifier().setEpochs(1).setValidationIndicatorCol("isValidation")
            .fit(blobs.withColumn("isValidation", functions.lit(true))));
    assertTrue(all.getMessage().contains("whose isValidation is false or null has no rows"), all.getMessage());
    assertTrue(model.summary().stopReason().equals("reached epochs = 2"), "in the params' words: "
        + model.summary().stopReason());
    EpochMetrics last = model.summary().epochs().get(1);
    assertEquals(String.format(java.util.Locale.ROOT, "2 epochs; kept epoch 2: train loss %.4f, validation loss %.4f, "
        + "validation accuracy %.4f; reached epochs = 2", last.trainLoss(), last.valLoss(), last.valAccuracy()),
        model.summary().toString());
  }

  /**
   * Vectors whose ML attribute gives another width than the model's (3 features) are refused when
   * transform or evaluate is called, not at the first row inside a Spark job; vectors without the
   * attribute are still checked row by row.
   */
  @Test
  void aVectorAttributeOfTheWrongWidthIsRefusedUpFront() {
    Dataset<Row> two = new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("assembled")
        .transform(blobs.withColumn("a", functions.lit(1.0)).withColumn("b", functions.lit(2.0)));
    DnnClassificationModel model = blobsModel.copy(new org.apache.spark.ml.param.ParamMap()).setFeaturesCol("assembled");
    IllegalArgumentException transform = assertThrows(IllegalArgumentException.class, () -> model.transform(two));
    assertTrue(transform.getMessage().contains("featuresCol 'assembled' holds vectors of 2 features (its ML attribute "
        + "says so), but the model was trained on 3"), transform.getMessage());
    IllegalArgumentException evaluate = assertThrows(IllegalArgumentException.class, () -> model.evaluate(two));
    assertTrue(evaluate.getMessage().contains("holds vectors of 2 features"), evaluate.getMessage());
    assertEquals(blobs.count(), blobsModel.transform(blobs).count(), "the model's own width passes");
  }

  /**
   * A refused param value says why, in the params' words: the allowed range of a number (not Spark's
   * bare "given invalid value"), and the hidden layers as written.
   */
  @Test
  void refusedParamValuesSayWhy() {
    IllegalArgumentException epochs = assertThrows(IllegalArgumentException.class,
        () -> new DnnClassifier().setEpochs(-1));
    assertTrue(epochs.getMessage().startsWith("DnnClassifier param epochs: ") && epochs.getMessage().contains("-1")
        && !epochs.getMessage().contains("training.epochs"), epochs.getMessage());
    IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
        () -> new DnnRegressor().setValidationFraction(1.5));
    assertTrue(fraction.getMessage().startsWith("DnnRegressor param validationFraction: ")
        && fraction.getMessage().contains("1.5"), fraction.getMessage());
    IllegalArgumentException layers = assertThrows(IllegalArgumentException.class,
        () -> new DnnClassifier().setHiddenLayers("16relu-foo"));
    assertTrue(layers.getMessage().contains("hidden layers '16relu-foo'") && !layers.getMessage().contains("1-16relu"),
        layers.getMessage());
  }

  /** Early stopping on validation accuracy with a min delta, set as ML params. */
  @Test
  void earlyStoppingParamsReachTheTrainer() {
    DnnClassificationModel model = new DnnClassifier().setHiddenLayers("8relu").setEpochs(40).setPatience(1)
        .setStoppingMetric("val_accuracy").setMinDelta(0.5).fit(blobs);
    // no epoch improves validation accuracy by 0.5, so training stops after the second
    assertEquals(2, model.summary().totalIterations());
    assertTrue(model.summary().stopReason().contains("early"), model.summary().stopReason());
  }

  /** Multi-label output is what Spark's MultilabelClassificationEvaluator reads: arrays of label indices. */
  @Test
  void multilabelOutputIsReadBySparksMultilabelEvaluator() {
    Dataset<Row> data = TestData.multilabel(spark, 2000, 6)
        .withColumn("features", functions.array(col("x1"), col("x2"), col("x3")))
        .withColumn("flags", functions.array(col("l0"), col("l1"), col("l2")));
    DnnMultilabelModel model = new DnnMultilabelClassifier().setLabelCol("flags").setHiddenLayers("32tanh")
        .setEpochs(12).setLearningRate(0.01).fit(data);
    assertEquals(3, model.numLabels());
    Dataset<Row> out = model.transform(data)
        .withColumn("labelIndices", expr("filter(transform(flags, (f, i) -> if(f = 1, cast(i as double), -1d)), "
            + "i -> i >= 0)"));
    MultilabelClassificationEvaluator spark = new MultilabelClassificationEvaluator().setLabelCol("labelIndices");
    DnnEvaluationSummary own = model.evaluate(data);
    assertEquals(spark.setMetricName("subsetAccuracy").evaluate(out), own.accuracy(), 1e-9);
    assertEquals(1 - spark.setMetricName("hammingLoss").evaluate(out), own.metrics().hammingAccuracy(), 1e-9);
    assertTrue(own.metrics().hammingAccuracy() > 0.9, "hamming accuracy " + own.metrics().hammingAccuracy());
    DnnMultilabelModel strict = model.copy(new org.apache.spark.ml.param.ParamMap()).setThreshold(0.9);
    long predictedBefore = model.transform(data).selectExpr("sum(size(prediction))").first().getLong(0);
    long predictedStrict = strict.transform(data).selectExpr("sum(size(prediction))").first().getLong(0);
    assertTrue(predictedStrict < predictedBefore, predictedStrict + " labels at 0.9, " + predictedBefore + " at 0.5");

    Dataset<Row> poisoned = data.limit(100).withColumn("n", functions.monotonically_increasing_id())
        .withColumn("features", functions.when(expr("n % 10 = 4"), expr("array(1d, 2d)")).otherwise(col("features")));
    assertEquals(90, model.copy(ParamMap.empty()).setHandleInvalid("skip").transform(poisoned).count(),
        "rows with 2 features instead of 3 are dropped");
    assertEquals(10, model.copy(ParamMap.empty()).setHandleInvalid("keep").transform(poisoned)
        .filter(col("prediction").isNull().and(col("probability").isNull())).count());
  }

  /** Regression: predict(vector) is the prediction column; evaluate's RMSE is the one computed from it. */
  @Test
  void regressionPredictAndEvaluateAgreeWithTransform() {
    Dataset<Row> data = TestData.regression(spark, 1500, 4);
    DnnRegressionModel model = new DnnRegressor().setLabelCol("y1").setHiddenLayers("16tanh").setEpochs(6).fit(data);
    List<Row> rows = model.transform(data).select("features", "prediction").limit(30).collectAsList();
    for (Row r : rows) {
      assertEquals(r.getDouble(1), model.predict((Vector) r.get(0)), 1e-5 * Math.max(1, Math.abs(r.getDouble(1))));
    }
    double rmse = Math.sqrt(model.transform(data).selectExpr("avg(pow(prediction - y1, 2))").first().getDouble(0));
    assertEquals(rmse, model.evaluate(data).rootMeanSquaredError(), 1e-5);

    // handleInvalid: a NaN feature drops the row (skip) or leaves it with a null prediction (keep)
    Dataset<Row> poisoned = data.limit(100).withColumn("n", functions.monotonically_increasing_id())
        .withColumn("features", functions.when(expr("n % 10 = 4"), functions.lit(null)).otherwise(col("features")));
    assertEquals(90, model.copy(ParamMap.empty()).setHandleInvalid("skip").transform(poisoned).count());
    Dataset<Row> kept = model.copy(ParamMap.empty()).setHandleInvalid("keep").transform(poisoned);
    assertEquals(100, kept.count());
    assertEquals(10, kept.filter(col("prediction").isNull()).count());
  }

  /**
   * Spark Connect finds ML stages through META-INF/services, creates estimators with their (String
   * uid) constructor and sets each param by name; it finds models there too and loads them with the
   * static load(path). Done here the same way, by reflection.
   */
  @Test
  void everyStageIsFoundAsAServiceAndTakesEveryParamByName() throws Exception {
    Map<String, Class<?>> estimators = ServiceLoader.load(Estimator.class).stream()
        .collect(Collectors.toMap(p -> p.type().getName(), ServiceLoader.Provider::type));
    for (Class<?> type : List.of(DnnClassifier.class, DnnRegressor.class, DnnMultilabelClassifier.class)) {
      assertTrue(estimators.containsKey(type.getName()), type + " is registered");
      Params stage = (Params) estimators.get(type.getName()).getConstructor(String.class).newInstance("uid-" + type.getSimpleName());
      assertEquals("uid-" + type.getSimpleName(), stage.uid());
      int set = 0;
      for (Param<?> p : stage.params()) {
        if (stage.hasDefault(p)) {
          Param<Object> byName = stage.getParam(p.name());
          stage.set(byName, stage.getOrDefault(byName));
          set++;
        }
      }
      assertTrue(set >= 25, set + " params of " + type.getSimpleName());
      Param<Object> epochs = stage.getParam("epochs");
      stage.set(epochs, 3);
      assertEquals(3, stage.getOrDefault(epochs));
      assertThrows(IllegalArgumentException.class, () -> stage.set(epochs, 0));
    }
    Map<String, Class<?>> transformers = ServiceLoader.load(Transformer.class).stream()
        .collect(Collectors.toMap(p -> p.type().getName(), ServiceLoader.Provider::type));
    String path = dir.resolve("service-model").toString();
    blobsModel.write().save(path);
    for (Class<?> type : List.of(DnnClassificationModel.class, DnnRegressionModel.class, DnnMultilabelModel.class)) {
      assertTrue(transformers.containsKey(type.getName()), type + " is registered");
      Model<?> empty = (Model<?>) type.getConstructor().newInstance();
      assertTrue(empty.estimatedSize() > 0);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> empty.transform(blobs));
      assertTrue(e.getMessage().contains("holds no trained network"), e.getMessage());
    }
    Object loaded = DnnClassificationModel.class.getMethod("load", String.class).invoke(null, path);
    DnnClassificationModel model = (DnnClassificationModel) loaded;
    assertEquals(blobsModel.uid(), model.uid());
    assertTrue(model.estimatedSize() >= 4L * model.dnnModel().spec().parameterCount());
    assertEquals(blobsModel.transform(blobs).select("prediction").collectAsList(),
        model.transform(blobs).select("prediction").collectAsList());
  }

  /** transform keeps the ML attributes of the columns it passes through (VectorAssembler's slot names, the label's). */
  @Test
  void transformKeepsTheMetadataOfTheInputColumns() {
    Dataset<Row> out = binaryModel.transform(binary);
    for (String column : List.of("features", "label")) {
      org.apache.spark.sql.types.Metadata before = binary.schema().apply(column).metadata();
      assertNotEquals(org.apache.spark.sql.types.Metadata.empty(), before, column + " has metadata to keep");
      assertEquals(before, out.schema().apply(column).metadata(), column);
    }
    org.apache.spark.ml.attribute.NominalAttribute prediction = (org.apache.spark.ml.attribute.NominalAttribute)
        org.apache.spark.ml.attribute.Attribute.fromStructField(out.schema().apply("prediction"));
    assertEquals(2, prediction.getNumValues().get());
  }

  /**
   * transform reads Spark's internal rows when turning the input into an RDD runs no job, and
   * external rows otherwise (here: after an exchange); both give the same rows, and neither reads
   * the input before an action.
   */
  @Test
  void bothScoringRoutesGiveTheSameRowsAndStayLazy() {
    for (DnnClassificationModel model : List.of(blobsModel, binaryModel)) {
      Dataset<Row> cached = model == blobsModel ? blobs : binary;
      String path = dir.resolve("routes-" + model.uid()).toString();
      cached.write().parquet(path);
      Dataset<Row> data = spark.read().parquet(path);
      Dataset<Row> internal = model.transform(data);
      Dataset<Row> external = model.transform(data.repartition(3));
      assertTrue(internal.queryExecution().analyzed().toString().contains("LogicalRDD"),
          internal.queryExecution().analyzed().toString());
      assertTrue(!external.queryExecution().analyzed().toString().contains("LogicalRDD"),
          external.queryExecution().analyzed().toString());
      assertEquals(List.of(external.schema().fields()), List.of(internal.schema().fields()));
      Map<Long, String> expected = new java.util.HashMap<>();
      external.collectAsList().forEach(r -> expected.put(((Number) r.get(r.fieldIndex("id"))).longValue(), r.toString()));
      List<Row> rows = internal.collectAsList();
      assertEquals(2000, rows.size());
      for (Row r : rows) {
        assertSameScores(expected.get(((Number) r.get(r.fieldIndex("id"))).longValue()), r.toString(), "row");
      }
      Dataset<Row> unreadable = data.withColumn("features", expr("if(id >= 0, raise_error('the input was read'), features)"));
      for (Dataset<Row> input : List.of(unreadable, unreadable.repartition(2))) {
        Dataset<Row> out = model.transform(input); // no job: the error would surface here
        Exception e = assertThrows(Exception.class, out::count);
        assertTrue(String.valueOf(e.getMessage()).contains("the input was read"), e.getMessage());
      }
    }
  }

  /** The estimator's transformSchema is what its model's transform makes. */
  @Test
  void theEstimatorsSchemaIsTheModelsOutput() {
    DnnClassifier estimator = new DnnClassifier();
    assertEquals(estimator.transformSchema(blobs.schema()).fieldNames().length,
        blobsModel.transform(blobs).schema().fieldNames().length);
    List<String> names = new ArrayList<>(List.of(blobsModel.transform(blobs).schema().fieldNames()));
    assertEquals(List.of("id", "label", "features", "rawPrediction", "probability", "prediction"), names);
    assertEquals(List.of(estimator.transformSchema(blobs.schema()).fieldNames()), names);
    Dataset<Row> none = blobsModel.copy(new org.apache.spark.ml.param.ParamMap()).setRawPredictionCol("")
        .setProbabilityCol("").transform(blobs);
    assertEquals(List.of("id", "label", "features", "prediction"), List.of(none.schema().fieldNames()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> blobsModel.transform(blobsModel.transform(blobs)));
    assertTrue(e.getMessage().contains("output column 'rawPrediction' (rawPredictionCol) already exists"),
        e.getMessage());
  }

  /**
   * A training failure speaks this API's language: the trainer's remedies name the command line's
   * keys, which a Spark ML user sets as params.
   */
  @Test
  void aDivergedFitNamesParamsNotConfigurationKeys() {
    Exception e = assertThrows(io.sparkdnn.train.DivergenceException.class, () -> new DnnClassifier()
        .setHiddenLayers("16relu").setEpochs(3).setOptimizer("sgd").setLearningRate(1e8).setScaling("none")
        .setSeed(3).fit(blobs));
    assertTrue(e.getMessage().contains("lower learningRate (now "), e.getMessage());
    assertTrue(e.getMessage().contains("set clipNorm"), e.getMessage());
    assertTrue(e.getMessage().contains("fit made no model"), e.getMessage());
    assertFalse(e.getMessage().contains("training.optimizer."), e.getMessage());
  }

  /**
   * The same row's scores from two routes: the same text around the numbers, and numbers equal up
   * to float rounding. A row's products are summed in an order that can depend on how many rows its
   * batch holds (BLAS kernels handle a batch's last rows apart; OPENBLAS_CORETYPE chooses them), so
   * the last bits may differ; a row scored with another's output would differ in the first digits.
   */
  private static void assertSameScores(String expected, String actual, String what) {
    java.util.regex.Pattern number = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?([eE]-?\\d+)?");
    assertEquals(number.matcher(String.valueOf(expected)).replaceAll("#"), number.matcher(actual).replaceAll("#"),
        what + ": " + actual);
    java.util.regex.Matcher e = number.matcher(expected);
    java.util.regex.Matcher a = number.matcher(actual);
    while (e.find() && a.find()) {
      double x = Double.parseDouble(e.group());
      double y = Double.parseDouble(a.group());
      assertEquals(x, y, 1e-6 + 1e-5 * Math.abs(x), what + ": " + expected + " against " + actual);
    }
  }

  /**
   * Features are copied straight into the batch; a row refused midway (a NaN in its array or
   * vector) leaves nothing behind that changes its neighbours' predictions, and gets nulls.
   */
  @Test
  void aRefusedRowDoesNotChangeItsNeighboursPredictions() {
    org.apache.spark.sql.Column nanVector = org.apache.spark.ml.functions.array_to_vector(functions.array(
        functions.lit(Double.NaN), functions.lit(1.0), functions.lit(1.0), functions.lit(1.0), functions.lit(1.0),
        functions.lit(1.0), functions.lit(1.0), functions.lit(1.0)));
    org.apache.spark.sql.Column nanArray = expr("array(CAST('NaN' AS FLOAT), 1.0F, 2.0F)");
    for (DnnClassificationModel model : List.of(blobsModel, binaryModel)) {
      Dataset<Row> clean = (model == blobsModel ? blobs : binary).orderBy("id").limit(40).repartition(1).cache();
      Dataset<Row> poisoned = clean.withColumn("features", functions.when(expr("pmod(id, 7) = 3"),
          model == blobsModel ? nanArray : nanVector).otherwise(col("features")));
      Map<Long, String> expected = new java.util.HashMap<>();
      io.sparkdnn.scoring.ModelScoring.predict(model.dnnModel(), clean, List.of("id"),
          io.sparkdnn.data.BadRowPolicy.SKIP, "clean")
          .collectAsList().forEach(r -> expected.put(((Number) r.get(0)).longValue(), r.toString()));
      List<Row> scored = io.sparkdnn.scoring.ModelScoring.predict(model.dnnModel(), poisoned, List.of("id"),
          io.sparkdnn.data.BadRowPolicy.SKIP, "poisoned").collectAsList();
      assertEquals(40, scored.size());
      int refused = 0;
      for (Row r : scored) {
        long id = ((Number) r.get(0)).longValue();
        if (id % 7 == 3) {
          assertTrue(r.isNullAt(1), "refused row " + id + " gets nulls: " + r);
          refused++;
        } else {
          assertSameScores(expected.get(id), r.toString(), "row " + id);
        }
      }
      assertTrue(refused >= 5, "refused " + refused);
      clean.unpersist();
    }
  }

  /**
   * handleInvalid, as Spark's feature transformers have it: error fails naming the row, skip drops
   * invalid rows from transform's output and evaluate's metrics, keep keeps them with null
   * predictions; the estimator's value reaches fit (skip trains on the valid rows) and the model,
   * and it is saved with the model.
   */
  @Test
  void handleInvalidFailsSkipsOrKeepsInvalidRows() throws Exception {
    org.apache.spark.sql.Column nanVector = org.apache.spark.ml.functions.array_to_vector(functions.array(
        functions.lit(Double.NaN), functions.lit(1.0), functions.lit(1.0), functions.lit(1.0), functions.lit(1.0),
        functions.lit(1.0), functions.lit(1.0), functions.lit(1.0)));
    Dataset<Row> clean = binary.orderBy("id").limit(60).repartition(2).cache();
    Dataset<Row> poisoned = clean.withColumn("features",
        functions.when(expr("pmod(id, 7) = 3"), nanVector).otherwise(col("features"))).cache();
    long invalid = clean.filter(expr("pmod(id, 7) = 3")).count();
    Dataset<Row> valid = clean.filter(expr("pmod(id, 7) != 3"));
    assertTrue(invalid >= 5, "invalid rows: " + invalid);

    Exception error = assertThrows(Exception.class, () -> binaryModel.transform(poisoned).collectAsList());
    assertTrue(String.valueOf(error.getMessage()).contains("NaN")
        && String.valueOf(error.getMessage()).contains("set handleInvalid to skip"),
        String.valueOf(error.getMessage()));

    DnnClassificationModel skip = binaryModel.copy(ParamMap.empty()).setHandleInvalid("skip");
    List<Row> kept = skip.transform(poisoned).select("id", "probability").orderBy("id").collectAsList();
    assertEquals(valid.count(), kept.size());
    assertEquals(binaryModel.transform(valid).select("id", "probability").orderBy("id").collectAsList(), kept);
    assertEquals(binaryModel.evaluate(valid).accuracy(), skip.evaluate(poisoned).accuracy(), 0);

    DnnClassificationModel keep = binaryModel.copy(ParamMap.empty()).setHandleInvalid("KEEP");
    Dataset<Row> all = keep.transform(poisoned);
    assertEquals(60, all.count());
    assertEquals(invalid, all.filter(col("prediction").isNull().and(col("probability").isNull())
        .and(col("rawPrediction").isNull())).count());
    assertEquals(invalid, all.filter(expr("pmod(id, 7) = 3")).filter(col("prediction").isNull()).count());

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> binaryModel.copy(ParamMap.empty()).setHandleInvalid("drop"));
    assertTrue(refused.getMessage().contains("[error, skip, keep]"), refused.getMessage());

    DnnClassifier estimator = new DnnClassifier().setHiddenLayers("4tanh").setEpochs(1).setSeed(5);
    Exception failedFit = assertThrows(Exception.class, () -> estimator.fit(poisoned));
    assertTrue(failedFit.getMessage().contains("NaN") && failedFit.getMessage().endsWith(HandleInvalid.REMEDY),
        failedFit.getMessage());
    Exception failedEvaluation = assertThrows(Exception.class, () -> binaryModel.evaluate(poisoned));
    assertTrue(failedEvaluation.getMessage().endsWith(HandleInvalid.REMEDY), failedEvaluation.getMessage());
    DnnClassificationModel fitted = estimator.setHandleInvalid("skip").fit(poisoned);
    assertEquals("skip", fitted.getHandleInvalid(), "the model takes the estimator's value");
    assertEquals(valid.count(), fitted.transform(poisoned).count());

    String path = dir.resolve("handle-invalid-model").toString();
    keep.write().save(path);
    assertEquals("KEEP", DnnClassificationModel.load(path).getHandleInvalid());
    poisoned.unpersist();
    clean.unpersist();
  }

  /**
   * Finite features far outside the training range overflow inside the network (3e38 × a weight is
   * ∞; ∞ − ∞ is NaN): the row is refused as a bad row, never given NaN probabilities and a class.
   */
  @Test
  void featuresTheNetworkOverflowsOnAreABadRowNotANaNPrediction() {
    Dataset<Row> rows = blobs.orderBy("id").limit(20).withColumn("features",
        functions.when(expr("pmod(id, 5) = 2"), expr("array(3e38F, -3e38F, 3e38F)")).otherwise(col("features")))
        .cache();
    long huge = rows.filter(expr("pmod(id, 5) = 2")).count();
    assertTrue(huge >= 2, "rows with huge features: " + huge);
    Exception error = assertThrows(Exception.class, () -> blobsModel.transform(rows).collectAsList());
    assertTrue(String.valueOf(error.getMessage()).contains("give the network a NaN or infinite output"),
        String.valueOf(error.getMessage()));
    Dataset<Row> kept = blobsModel.copy(ParamMap.empty()).setHandleInvalid("keep").transform(rows).cache();
    assertEquals(huge, kept.filter(col("prediction").isNull()).count(), "each huge row has a null prediction");
    assertEquals(0, kept.filter(expr("pmod(id, 5) = 2")).filter(col("prediction").isNotNull()).count());
    assertEquals(20 - huge, kept.filter(col("probability").isNotNull()).count(), "the other rows are scored");
    // one vector at a time (Spark ML's predictRaw, the Spark-free Scorer beneath it): refused, not NaN
    IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
        () -> blobsModel.predictRaw(org.apache.spark.ml.linalg.Vectors.dense(3e38, -3e38, 3e38)));
    assertTrue(single.getMessage().contains("give the network a NaN or infinite output"), single.getMessage());
    Exception evaluation = assertThrows(Exception.class, () -> blobsModel.evaluate(rows));
    List<Row> inOrder = rows.collectAsList(); // the order evaluation reads the rows in
    int first = 0;
    while (((Number) inOrder.get(first).get(inOrder.get(first).fieldIndex("id"))).longValue() % 5 != 2) {
      first++;
    }
    assertTrue(evaluation.getMessage().contains("row " + (first + 1) + ": its features give the network a NaN or "
        + "infinite output"), evaluation.getMessage());
    assertTrue(evaluation.getMessage().contains("so the metrics would be wrong; fix or remove the row"),
        evaluation.getMessage());
    // handleInvalid = skip (or keep) leaves them out of evaluate's metrics, as its doc says
    io.sparkdnn.ml.DnnEvaluationSummary skipping = blobsModel.copy(ParamMap.empty()).setHandleInvalid("skip")
        .evaluate(rows);
    assertEquals(huge, skipping.metrics().skippedRows(), "the huge rows are skipped");
    assertEquals(20 - huge, skipping.numInstances(), "the others are measured");
    kept.unpersist();
    rows.unpersist();
  }

  /**
   * Labels that are no class index (NaN, ±∞, negative, fractional, too large) are refused under
   * error, each for what it is; under skip they are left out, and the classes come from the rest.
   */
  @Test
  void handleInvalidSkipLeavesOutLabelsThatAreNoClassIndex() {
    Dataset<Row> rows = blobs.orderBy("id").limit(120).withColumn("label", expr(
        "case pmod(id, 40) when 1 then double('NaN') when 2 then double('Infinity') when 3 then -1d "
            + "when 4 then 1.5d when 5 then 1e9d else cast(label as double) end")).cache();
    Exception infinite = assertThrows(Exception.class,
        () -> new DnnClassifier().setHiddenLayers("4relu").setEpochs(1).fit(rows.filter(expr("pmod(id, 40) != 1"))));
    assertTrue(infinite.getMessage().contains("found Infinity; remove or fill the rows with that label")
        && infinite.getMessage().contains("set handleInvalid to skip"), infinite.getMessage());
    DnnClassificationModel model = new DnnClassifier().setHiddenLayers("4relu").setEpochs(1).setSeed(3)
        .setValidationFraction(0).setHandleInvalid("skip").fit(rows);
    assertEquals(blobsModel.numClasses(), model.numClasses(), "the classes of the valid labels");
    long valid = rows.filter(expr("pmod(id, 40) not in (1, 2, 3, 4, 5)")).count();
    assertEquals(valid, model.summary().epochs().get(0).trainRows(), "trained on the valid rows only");
    rows.unpersist();
  }
}
