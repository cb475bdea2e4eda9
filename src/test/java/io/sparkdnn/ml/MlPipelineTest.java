package io.sparkdnn.ml;

import io.sparkdnn.scoring.ModelScoring;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.TestData;
import io.sparkdnn.cli.Cli;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataException;
import io.sparkdnn.data.SyntheticData;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.files.FaultyFileSystem;
import io.sparkdnn.model.ModelReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark ML API: Pipeline, CrossValidator, evaluators, save/load, and parity with the CLI. */
class MlPipelineTest {
  @TempDir static Path dir;
  static SparkSession spark;
  /** Half-moons: x1..x8, string label yes/no, plus an id. */
  static Dataset<Row> moons;

  @BeforeAll
  static void data() {
    spark = SparkTestSession.get();
    moons = SyntheticData.binary(spark, 3000, 21).withColumn("id", org.apache.spark.sql.functions.monotonically_increasing_id());
  }

  private static Pipeline pipeline(DnnClassifier dnn) {
    String[] inputs = {"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"};
    return new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCol("label").setOutputCol("labelIndex"),
        new VectorAssembler().setInputCols(inputs).setOutputCol("raw"),
        new StandardScaler().setInputCol("raw").setOutputCol("features"),
        dnn.setLabelCol("labelIndex")});
  }

  private static DnnClassifier classifier() {
    return new DnnClassifier().setHiddenLayers("32tanh").setEpochs(15).setBatchSize(32).setLearningRate(0.01)
        .setSeed(3).setScaling("none");
  }

  /**
   * A fit's checkpoints serve to resume that fit if it is cut off; once it has made its model they
   * are gone, so the next fit of the same params trains in full instead of resuming after the last
   * epoch (and training none).
   */
  @Test
  void aSecondFitWithTheSameCheckpointDirTrainsInFull() throws Exception {
    Path checkpoints = dir.resolve("ml-checkpoints");
    DnnClassifier dnn = classifier().setEpochs(3).setCheckpointDir(checkpoints.toString());
    PipelineModel first = pipeline(dnn).fit(moons);
    PipelineModel second = pipeline(dnn).fit(moons);
    assertEquals(3, ((DnnClassificationModel) first.stages()[3]).summary().totalIterations());
    assertEquals(3, ((DnnClassificationModel) second.stages()[3]).summary().totalIterations());
    try (java.util.stream.Stream<Path> left = Files.list(checkpoints)) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(), "no checkpoint and no lock left");
    }
  }

  /**
   * A fit cut off in one JVM resumes in the next, where the estimator has another uid (random unless
   * given): the checkpoints name the stage by its class. The second fit must resume after epoch 2, as
   * writing the checkpoint of epoch 1 or 2 fails for it; a fit that started afresh would write them.
   */
  @Test
  void aFitCutOffResumesUnderAnotherUid() {
    FaultyFileSystem.register(spark.sparkContext().hadoopConfiguration());
    String checkpoints = FaultyFileSystem.uri(dir.resolve("ml-checkpoints-resumed"));
    try {
      FaultyFileSystem.failWrites(p -> p.getName().startsWith(".epoch-000003"), FaultyFileSystem::readOnly);
      DnnClassifier first = classifier().setEpochs(4).setCheckpointDir(checkpoints);
      RuntimeException cut = assertThrows(RuntimeException.class, () -> pipeline(first).fit(moons));
      assertTrue(cut.getMessage().contains("epoch 3"), cut.getMessage());
      FaultyFileSystem.failWrites(p -> p.getName().startsWith(".epoch-000001") || p.getName().startsWith(".epoch-000002"),
          FaultyFileSystem::readOnly);
      DnnClassifier second = classifier().setEpochs(4).setCheckpointDir(checkpoints);
      assertTrue(!first.uid().equals(second.uid()));
      PipelineModel resumed = pipeline(second).fit(moons);
      DnnTrainingSummary summary = ((DnnClassificationModel) resumed.stages()[3]).summary();
      assertEquals(4, summary.totalIterations(), "epochs 1-2 from the checkpoint, 3-4 trained");
      assertEquals(4, summary.objectiveHistory().length);
    } finally {
      FaultyFileSystem.reset();
    }
  }

  /** Two fits at once in one checkpointDir (a tuner's parallel fits) would clobber each other: the later is refused. */
  @Test
  void aCheckpointDirInUseIsRefusedInTheParamsWords() throws Exception {
    Path checkpoints = dir.resolve("ml-checkpoints-held");
    try (io.sparkdnn.files.DirectoryLock held = io.sparkdnn.train.Checkpoints.lock(checkpoints.toString(),
        spark.sparkContext().hadoopConfiguration())) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> pipeline(classifier().setEpochs(1).setCheckpointDir(checkpoints.toString())).fit(moons));
      assertTrue(e.getMessage().startsWith(checkpoints + " (checkpointDir) is in use by another run right now"),
          e.getMessage());
      assertTrue(e.getMessage().contains("give each run its own checkpointDir"), e.getMessage());
    }
  }

  /** A checkpointDir that is a file is refused as the command line refuses it: what, where, what to do. */
  @Test
  void aCheckpointDirThatIsAFileIsNamedWithWhatToDo() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory.txt"), "mine");
    java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
        () -> pipeline(classifier().setEpochs(1).setCheckpointDir(file.toString())).fit(moons));
    assertTrue(e.getMessage().startsWith("a file stands where a directory is needed at " + file + "; choose another "
        + "path ("), e.getMessage());
    assertTrue(e.getMessage().contains("(checkpointDir)"), e.getMessage());
    assertEquals("mine", Files.readString(file));
  }

  /**
   * An id as the label would make as many classes as rows: refused, as `dnn train` refuses it; twelve
   * classes over 3000 rows are classes.
   */
  @Test
  void idLikeLabelsAreRefusedAndManyClassesAreNot() {
    Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4"})
        .setOutputCol("features").transform(moons);
    Dataset<Row> ids = assembled.withColumn("label", org.apache.spark.sql.functions.col("id").cast("double"));
    io.sparkdnn.data.DataException e = assertThrows(io.sparkdnn.data.DataException.class,
        () -> classifier().setEpochs(1).fit(ids));
    assertTrue(e.getMessage().startsWith("label column 'label' of training data (") && e.getMessage().contains(
        ") looks like an id: about "), e.getMessage());
    assertTrue(e.getMessage().endsWith("choose the column that holds the classes (labelCol), or for a numeric target "
        + "use DnnRegressor"), e.getMessage());
    Dataset<Row> twelve = assembled.withColumn("label", org.apache.spark.sql.functions.col("id").mod(12).cast("double"));
    assertEquals(12, classifier().setEpochs(1).fit(twelve).numClasses());
  }

  /** A class weight for a class the data does not have is refused at fit, in the param's name. */
  @Test
  void aClassWeightForNoClassIsRefusedNamingTheParam() {
    io.sparkdnn.data.DataException e = assertThrows(io.sparkdnn.data.DataException.class,
        () -> pipeline(classifier().setEpochs(1).setClassWeights("7:2")).fit(moons));
    assertTrue(e.getMessage().startsWith("classWeights names [7], which is not a class of the training data; the "
        + "classes are "), e.getMessage());
  }

  /** Spark's writer deletes whatever is at the path on overwrite(); a model's writer replaces only a model. */
  @Test
  void overwriteReplacesOnlyAModelSavedBefore() throws Exception {
    DnnClassificationModel model = (DnnClassificationModel) pipeline(classifier().setEpochs(1)).fit(moons).stages()[3];
    Path user = dir.resolve("users-dir");
    Files.createDirectories(user.resolve("data"));
    Files.writeString(user.resolve("keep.txt"), "mine");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.write().overwrite().save(user.toString()));
    assertEquals("save path " + user + " holds data/, keep.txt, not a saved spark-dnn model; write().overwrite() "
        + "replaces only a model saved there before: choose another path, or move those files away first",
        e.getMessage());
    assertEquals("mine", Files.readString(user.resolve("keep.txt")), "left as it was");
    Path saved = dir.resolve("saved-twice");
    model.write().save(saved.toString());
    model.write().overwrite().save(saved.toString());
    assertEquals(model.uid(), DnnClassificationModel.load(saved.toString()).uid());
  }

  @Test
  void pipelineWithIndexerAssemblerScalerFitsAndTransforms() {
    PipelineModel model = pipeline(classifier()).fit(moons);
    Dataset<Row> out = model.transform(moons);
    double accuracy = new MulticlassClassificationEvaluator().setLabelCol("labelIndex")
        .setMetricName("accuracy").evaluate(out);
    assertTrue(accuracy > 0.95, "accuracy " + accuracy);
    double auc = new BinaryClassificationEvaluator().setLabelCol("labelIndex").evaluate(out);
    assertTrue(auc > 0.98, "AUC " + auc);
    DnnClassificationModel dnn = (DnnClassificationModel) model.stages()[3];
    assertEquals(2, dnn.numClasses());
    assertEquals(15, dnn.summary().totalIterations());
    assertTrue(dnn.summary().objectiveHistory()[14] < dnn.summary().objectiveHistory()[0]);
  }

  /** Spark's evaluator and the project's own evaluate agree on accuracy to the last digit. */
  @Test
  void sparkEvaluatorsAgreeWithTheProjectsEvaluate() {
    PipelineModel model = pipeline(classifier()).fit(moons);
    Dataset<Row> prepared = new PipelineModel("prep", java.util.Arrays.copyOf(model.stages(), 3)).transform(moons);
    DnnClassificationModel dnn = (DnnClassificationModel) model.stages()[3];
    double spark = new MulticlassClassificationEvaluator().setLabelCol("labelIndex").setMetricName("accuracy")
        .evaluate(dnn.transform(prepared));
    double own = ModelScoring.evaluate(dnn.dnnModel(), prepared.withColumnRenamed("labelIndex", "labelIndex"), 2,
        BadRowPolicy.FAIL, BlasBackend.AUTO, "data").accuracy();
    assertEquals(own, spark, 1e-12);
  }

  /** CrossValidator over two learning rates picks the better, and the best model round-trips. */
  @Test
  void crossValidatorPicksALearningRateAndTheBestModelRoundTrips() throws Exception {
    DnnClassifier dnn = classifier().setEpochs(4);
    ParamMap[] grid = new ParamGridBuilder().addGrid(dnn.learningRate(), new double[] {1e-5, 1e-2}).build();
    MulticlassClassificationEvaluator evaluator =
        new MulticlassClassificationEvaluator().setLabelCol("labelIndex").setMetricName("accuracy");
    CrossValidator cv = new CrossValidator().setEstimator(pipeline(dnn)).setEstimatorParamMaps(grid)
        .setEvaluator(evaluator).setNumFolds(2).setSeed(7);
    CrossValidatorModel cvModel = cv.fit(moons);
    double[] metrics = cvModel.avgMetrics();
    assertTrue(metrics[1] > metrics[0], "1e-2 beats 1e-5 in 4 epochs: " + java.util.Arrays.toString(metrics));
    PipelineModel best = (PipelineModel) cvModel.bestModel();
    DnnClassificationModel bestDnn = (DnnClassificationModel) best.stages()[3];
    assertEquals(1e-2, (Double) bestDnn.parent().extractParamMap().apply(dnn.learningRate()), 0);
    assertEquals(1e-2, bestDnn.getLearningRate(), 0, "the best model carries the learning rate it was fitted with");

    String path = dir.resolve("cv-model").toString();
    cvModel.write().save(path);
    CrossValidatorModel loaded = CrossValidatorModel.load(path);
    List<Row> before = cvModel.transform(moons).orderBy("id").select("id", "prediction", "probability").collectAsList();
    List<Row> after = loaded.transform(moons).orderBy("id").select("id", "prediction", "probability").collectAsList();
    assertSameRows(before, after);
    DnnClassificationModel loadedDnn = (DnnClassificationModel) ((PipelineModel) loaded.bestModel()).stages()[3];
    assertEquals(1e-2, loadedDnn.getLearningRate(), 0, "and keeps it through save and load, without its parent");
  }

  /**
   * A fitted model carries the training params it was fitted with, set and default, as Spark ML's
   * models carry their estimators', through save and load; a model saved before models carried them
   * takes them from its recorded configuration instead of showing defaults that are not its own.
   */
  @Test
  void aFittedModelCarriesItsTrainingParamsThroughSaveAndLoad() throws Exception {
    DnnClassifier dnn = classifier().setHiddenLayers("8relu-4relu").setEpochs(2).setLearningRate(0.005)
        .setClassWeights("balanced").setSeed(5);
    DnnClassificationModel model = (DnnClassificationModel) pipeline(dnn).fit(moons).stages()[3];
    String path = dir.resolve("carries-params").toString();
    model.write().save(path);
    DnnClassificationModel loaded = DnnClassificationModel.load(path);
    for (DnnClassificationModel m : List.of(model, loaded)) {
      assertEquals("8relu-4relu", m.getHiddenLayers());
      assertEquals(2, m.getEpochs());
      assertEquals(0.005, m.getLearningRate(), 0);
      assertEquals("balanced", m.getClassWeights());
      assertEquals(5L, m.getSeed());
      assertEquals(32, m.getBatchSize());
      assertEquals("adam", m.getOptimizer(), "a default is carried too");
      assertTrue(m.extractParamMap().contains(m.epochs()));
    }

    // As saved before: the metadata's params without the training params (and without the .crc that would no
    // longer match).
    Path metadata;
    try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("carries-params/metadata"))) {
      metadata = files.filter(f -> f.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
    }
    java.util.Set<String> before = java.util.Set.of("featuresCol", "labelCol", "predictionCol", "probabilityCol",
        "rawPredictionCol", "thresholds", "weightCol", "handleInvalid");
    com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode)
        io.sparkdnn.results.Json.parse(Files.readString(metadata), "metadata");
    for (String section : new String[] {"paramMap", "defaultParamMap"}) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) json.get(section)).retain(before);
    }
    Files.writeString(metadata, json.toString() + "\n");
    Files.deleteIfExists(metadata.resolveSibling("." + metadata.getFileName() + ".crc"));
    DnnClassificationModel old = DnnClassificationModel.load(path);
    assertEquals("8relu-4relu", old.getHiddenLayers());
    assertEquals(2, old.getEpochs());
    assertEquals(0.005, old.getLearningRate(), 0);
    assertEquals("balanced", old.getClassWeights());
    assertEquals(5L, old.getSeed());
    assertEquals(32, old.getBatchSize());
    assertEquals("none", old.getScaling());
  }

  private static void assertSameRows(List<Row> expected, List<Row> actual) {
    assertEquals(expected.size(), actual.size(), "row count");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), "row " + i);
    }
  }

  /**
   * A saved PipelineModel, loaded in a new JVM with a new SparkSession, predicts the same classes,
   * and the same probabilities up to float rounding (a row's GEMM result can depend on the batch it
   * shares, and the new session partitions the data differently).
   */
  @Test
  void savedPipelineReloadsInAFreshSparkSession() throws Exception {
    PipelineModel model = pipeline(classifier().setEpochs(3)).fit(moons);
    String saved = dir.resolve("pipeline").toString();
    model.write().overwrite().save(saved);
    String input = dir.resolve("moons.parquet").toString();
    moons.write().parquet(input);
    String output = dir.resolve("reloaded.parquet").toString();
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(List.of(Files.readString(Path.of("target/jvm-flags.txt")).trim().split("\\s+")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), PipelineReload.class.getName(),
        saved, input, output));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("reload.log").toFile()).start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "reload finished");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("reload.log")));
    List<Row> here = model.transform(spark.read().parquet(input)).select("id", "prediction", "probability")
        .orderBy("id").collectAsList();
    List<Row> there = spark.read().parquet(output).orderBy("id").collectAsList();
    assertEquals(here.size(), there.size());
    for (int i = 0; i < here.size(); i++) {
      assertEquals(here.get(i).getLong(0), there.get(i).getLong(0));
      assertEquals(here.get(i).getDouble(1), there.get(i).getDouble(1), "prediction of row " + i);
      assertArrayEquals(((org.apache.spark.ml.linalg.Vector) here.get(i).get(2)).toArray(),
          ((org.apache.spark.ml.linalg.Vector) there.get(i).get(2)).toArray(), 1e-6, "probability of row " + i);
    }
  }

  /** The estimator and `dnn train` share one training path: same settings, same weights. */
  @Test
  void estimatorAndCommandLineTrainTheSameWeights() throws Exception {
    Dataset<Row> prepared = new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8"})
        .setOutputCol("features").transform(new StringIndexer().setInputCol("label").setOutputCol("labelIndex")
            .fit(moons).transform(moons)).select("features", "labelIndex");
    String data = dir.resolve("prepared.parquet").toString();
    prepared.write().parquet(data);
    Dataset<Row> reread = spark.read().parquet(data);
    DnnClassificationModel fitted = new DnnClassifier().setLabelCol("labelIndex").setHiddenLayers("16tanh")
        .setEpochs(3).setLearningRate(0.005).setSeed(9).setScaling("standard").setPartitions(2).fit(reread);
    String model = dir.resolve("cli-model").toString();
    Cli cli = Cli.run("train", "--set", "data.train.path=" + data, "--set", "data.label=labelIndex",
        "--set", "network.layers=8-16tanh-2softmax", "--set", "training.epochs=3",
        "--set", "training.optimizer.learning-rate=0.005", "--set", "training.seed=9", "--set", "data.scaling=standard",
        "--set", "data.partitions=2", "--set", "model.path=" + model);
    assertEquals(0, cli.status, cli.toString());
    float[] viaCli = ModelReader.read(model, new Configuration(), "model").weights();
    assertArrayEquals(viaCli, fitted.dnnModel().weights(), 1e-6f);
  }

  @Test
  void regressorWorksWithRegressionEvaluatorAndSeveralTargets() {
    Dataset<Row> data = TestData.regression(spark, 3000, 4);
    DnnRegressionModel one = new DnnRegressor().setLabelCol("y1").setHiddenLayers("32tanh").setEpochs(25)
        .setBatchSize(32).setLearningRate(0.005).setScaling("standard").fit(data);
    // RegressionEvaluator's summarizer ships classes Spark leaves unregistered for Kryo, so the
    // RMSE is computed here from the double prediction column it would read.
    double rmse = Math.sqrt(one.transform(data).selectExpr("avg(pow(prediction - y1, 2))").first().getDouble(0));
    assertTrue(rmse < 0.15, "RMSE " + rmse);
    assertEquals(0.005, one.getLearningRate(), 0, "the model carries its training params");
    assertEquals("32tanh", one.getHiddenLayers());
    Dataset<Row> both = data.withColumn("targets", org.apache.spark.sql.functions.array(col("y1"), col("y2")));
    DnnRegressionModel two = new DnnRegressor().setLabelCol("targets").setHiddenLayers("32tanh").setEpochs(3).fit(both);
    assertEquals(2, two.numTargets());
    Row row = two.transform(both).select("prediction").first();
    assertEquals(2, ((org.apache.spark.ml.linalg.Vector) row.get(0)).size());
  }

  @Test
  void multiLabelClassifierTakesAnArrayOfLabelFlags() {
    Dataset<Row> data = TestData.multilabel(spark, 3000, 6)
        .withColumn("features", org.apache.spark.sql.functions.array(col("x1"), col("x2"), col("x3")))
        .withColumn("labels", org.apache.spark.sql.functions.array(col("l0"), col("l1"), col("l2")));
    DnnMultilabelModel model = new DnnMultilabelClassifier().setLabelCol("labels").setHiddenLayers("32tanh")
        .setEpochs(15).setLearningRate(0.01).fit(data);
    assertEquals(3, model.numLabels());
    assertEquals(15, model.getEpochs(), "the model carries its training params");
    assertEquals("32tanh", model.getHiddenLayers());
    double accuracy = model.summary().validationMetrics().hammingAccuracy();
    assertTrue(accuracy > 0.93, "hamming accuracy " + accuracy);
    List<?> predicted = model.transform(data).select("prediction").first().getList(0);
    assertTrue(predicted.size() <= 3, "label indices " + predicted);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DnnClassifier().setLabelCol("labels").fit(data));
    assertTrue(e.getMessage().contains("for several labels per row use DnnMultilabelClassifier"), e.getMessage());
  }

  @Test
  void badParamValuesAreRejectedWithTheReason() {
    DnnClassifier dnn = new DnnClassifier();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dnn.setEpochs(0));
    assertTrue(e.getMessage().contains("param epochs: epochs must be between 1 and 1000000, found 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dnn.setOptimizer("rmsprop"));
    assertTrue(e.getMessage().contains("param optimizer: 'rmsprop' is not one of [sgd, momentum"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dnn.setHiddenLayers("256swish"));
    assertTrue(e.getMessage().contains("param hiddenLayers"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown activation 'swish'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dnn.setLearningRate(-0.1));
    assertTrue(e.getMessage().contains("param learningRate: learningRate must be a number > 0, found -0.1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dnn.setValidationFraction(1.0));
    assertTrue(e.getMessage().contains("param validationFraction: ") && e.getMessage().contains("1.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new DnnClassifier().fit(moons));
    assertTrue(e.getMessage().contains("featuresCol 'features' not found"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new DnnClassifier().setFeaturesCol("x1").fit(moons));
    assertTrue(e.getMessage().contains("featuresCol 'x1' has type double; expected an ML vector or an array of "
        + "numbers (VectorAssembler"), e.getMessage());
    Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"x1", "x2"}).setOutputCol("features")
        .transform(moons);
    e = assertThrows(IllegalArgumentException.class, () -> new DnnClassifier().fit(assembled));
    assertTrue(e.getMessage().contains("labelCol 'label' has type string; expected numbers"), e.getMessage());
    assertTrue(e.getMessage().contains("StringIndexer"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new DnnClassifier().setClassWeights("yes:2,no"));
    assertTrue(e.getMessage().contains("param classWeights: expected none, balanced or label:weight"), e.getMessage());
  }

  /**
   * DnnClassifier's label checks name labels as the column holds them (-1, not -1.0) and send
   * fractional, regression-like labels to DnnRegressor.
   */
  @Test
  void classifierLabelProblemsNameTheLabelsAndPointToRegression() {
    Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"x1", "x2"}).setOutputCol("features")
        .transform(moons);
    Dataset<Row> fractional = assembled.withColumn("label", org.apache.spark.sql.functions.expr(
        "CAST(0.37 + pmod(id, 5) * 1.15 AS float)"));
    DataException e = assertThrows(DataException.class, () -> new DnnClassifier().fit(fractional));
    assertTrue(e.getMessage().contains("rows hold a label with a fractional part; the labels look like continuous "
        + "values (e.g. 0.37, 4.97): for regression use DnnRegressor"), e.getMessage());
    Dataset<Row> negative = assembled.withColumn("label", org.apache.spark.sql.functions.expr(
        "CAST(pmod(id, 3) - 1 AS double)"));
    e = assertThrows(DataException.class, () -> new DnnClassifier().fit(negative));
    assertTrue(e.getMessage().contains("found label -1; index them with StringIndexer"), e.getMessage());
  }

  @Test
  void estimatorSavesAndLoadsWithItsParams() throws Exception {
    String path = dir.resolve("estimator").toString();
    classifier().setEpochs(7).setOptimizer("nesterov").write().overwrite().save(path);
    DnnClassifier loaded = DnnClassifier.load(path);
    assertEquals(7, (int) loaded.getOrDefault(loaded.epochs()));
    assertEquals("nesterov", loaded.getOrDefault(loaded.optimizer()));
    assertEquals("32tanh", loaded.getOrDefault(loaded.hiddenLayers()));
  }
}
